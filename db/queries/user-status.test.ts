import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { auditEvents, personalAccessTokens, sessions, users } from "../schema";
import { applyReactivation, deactivateUser, reactivateUser } from "./user-status";

describe("deactivateUser", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);
  const actorAdmin = makeAdminWithToken(db, tenant.id);
  const actor = { type: "token" as const, id: actorAdmin.tokenId, name: "Ops", userId: actorAdmin.user.id };

  it("switches the user off, revokes its tokens and sessions, and writes one audit event", () => {
    const leaver = makeAdminWithToken(db, tenant.id);
    const result = deactivateUser(db, { tenantId: tenant.id, userId: leaver.user.id, actor, requestId: "req-1" }, 1_700_000_000_000);
    expect(result).toEqual({ status: "deactivated", tokensRevoked: 1, sessionsRevoked: 1 });
    const row = db.select().from(users).where(eq(users.id, leaver.user.id)).get()!;
    expect(row).toMatchObject({
      active: false,
      state: "inactive:deactivated",
      deactivatedAt: 1_700_000_000_000,
      deactivatedBy: { id: actorAdmin.user.id, name: "Ops" },
    });
    expect(db.select().from(personalAccessTokens).where(eq(personalAccessTokens.adminId, leaver.admin.id)).get()?.revokedAt).toBe(1_700_000_000_000);
    expect(db.select().from(sessions).where(eq(sessions.adminId, leaver.admin.id)).get()?.revokedAt).toBe(1_700_000_000_000);
    const events = db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, leaver.user.id), eq(auditEvents.action, "user.deactivate")))
      .all();
    expect(events).toEqual([expect.objectContaining({ outcome: "deactivated", actorType: "token", actorId: actorAdmin.tokenId, requestId: "req-1" })]);
  });

  it("is idempotent: an inactive user is left alone and the no-op is audited", () => {
    const user = makeUser(db, tenant.id);
    deactivateUser(db, { tenantId: tenant.id, userId: user.id, actor }, 1_000);
    expect(deactivateUser(db, { tenantId: tenant.id, userId: user.id, actor }, 2_000)).toEqual({ status: "already-inactive" });
    expect(db.select().from(users).where(eq(users.id, user.id)).get()?.deactivatedAt).toBe(1_000);
    const outcomes = db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.targetId, user.id))
      .all()
      .map((e) => e.outcome);
    expect(outcomes).toEqual(["deactivated", "already_inactive"]);
  });

  it("does not see another tenant's user", () => {
    const other = makeTenant(db);
    const stranger = makeUser(db, other.id);
    expect(deactivateUser(db, { tenantId: tenant.id, userId: stranger.id, actor })).toEqual({ status: "not-found" });
    expect(db.select().from(users).where(eq(users.id, stranger.id)).get()?.active).toBe(true);
    expect(db.select().from(auditEvents).where(eq(auditEvents.targetId, stranger.id)).all()).toEqual([]);
  });
});

describe("reactivateUser", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);
  const actorAdmin = makeAdminWithToken(db, tenant.id);
  const actor = { type: "admin" as const, id: actorAdmin.admin.id, name: "Ops", userId: actorAdmin.user.id };

  it("switches a deactivated user back on and writes its own audit event", () => {
    const leaver = makeUser(db, tenant.id);
    deactivateUser(db, { tenantId: tenant.id, userId: leaver.id, actor }, 1_000);
    const result = reactivateUser(db, { tenantId: tenant.id, userId: leaver.id, actor, requestId: "req-2" }, 2_000);
    expect(result).toEqual({ status: "reactivated" });
    const row = db.select().from(users).where(eq(users.id, leaver.id)).get()!;
    expect(row).toMatchObject({
      active: true,
      state: "active:available",
      deactivatedAt: null,
      deactivatedBy: null,
      updatedAt: 2_000,
      updatedBy: { id: actorAdmin.user.id, name: "Ops" },
    });
    const events = db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, leaver.id), eq(auditEvents.action, "user.reactivate")))
      .all();
    expect(events).toEqual([
      expect.objectContaining({
        outcome: "reactivated",
        actorType: "admin",
        actorId: actorAdmin.admin.id,
        actorName: "Ops",
        requestId: "req-2",
        createdAt: 2_000,
      }),
    ]);
    expect(events[0]?.details).toMatchObject({ email: leaver.email, deactivatedAt: new Date(1_000).toISOString() });
  });

  it("leaves revoked tokens and sessions revoked", () => {
    const returning = makeAdminWithToken(db, tenant.id);
    deactivateUser(db, { tenantId: tenant.id, userId: returning.user.id, actor }, 1_000);
    reactivateUser(db, { tenantId: tenant.id, userId: returning.user.id, actor }, 2_000);
    expect(db.select().from(personalAccessTokens).where(eq(personalAccessTokens.adminId, returning.admin.id)).get()?.revokedAt).toBe(1_000);
    expect(db.select().from(sessions).where(eq(sessions.adminId, returning.admin.id)).get()?.revokedAt).toBe(1_000);
  });

  it("is idempotent: an active user is left alone and the no-op is audited", () => {
    const user = makeUser(db, tenant.id);
    const before = db.select().from(users).where(eq(users.id, user.id)).get();
    expect(reactivateUser(db, { tenantId: tenant.id, userId: user.id, actor }, 5_000)).toEqual({ status: "already-active" });
    expect(db.select().from(users).where(eq(users.id, user.id)).get()).toEqual(before);
    const outcomes = db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.targetId, user.id))
      .all()
      .map((e) => [e.action, e.outcome]);
    expect(outcomes).toEqual([["user.reactivate", "already_active"]]);
  });

  it("does not see another tenant's user", () => {
    const other = makeTenant(db);
    const stranger = makeUser(db, other.id, { active: false });
    expect(reactivateUser(db, { tenantId: tenant.id, userId: stranger.id, actor })).toEqual({ status: "not-found" });
    expect(db.select().from(users).where(eq(users.id, stranger.id)).get()?.active).toBe(false);
    expect(db.select().from(auditEvents).where(eq(auditEvents.targetId, stranger.id)).all()).toEqual([]);
  });
});

describe("applyReactivation with onlyIfDeactivatedAt (a bulk undo)", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);
  const actorAdmin = makeAdminWithToken(db, tenant.id);
  const actor = { type: "token" as const, id: actorAdmin.tokenId, name: "Undo job", userId: actorAdmin.user.id };

  it("reactivates a user still in that deactivation, the audit event naming the caller's details instead of the time", () => {
    const leaver = makeUser(db, tenant.id);
    deactivateUser(db, { tenantId: tenant.id, userId: leaver.id, actor }, 1_000);
    const result = applyReactivation(
      db,
      { tenantId: tenant.id, userId: leaver.id, actor, onlyIfDeactivatedAt: 1_000, auditDetails: { jobId: "job-2", undoOf: "job-1" }, auditNoop: false },
      2_000,
    );
    expect(result).toEqual({ status: "reactivated" });
    expect(db.select().from(users).where(eq(users.id, leaver.id)).get()).toMatchObject({ active: true, deactivatedAt: null });
    const events = db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, leaver.id), eq(auditEvents.action, "user.reactivate")))
      .all();
    expect(events.map((e) => e.details)).toEqual([{ email: leaver.email, jobId: "job-2", undoOf: "job-1" }]);
  });

  it("leaves a user deactivated again since then alone, without an audit event", () => {
    const leaver = makeUser(db, tenant.id);
    deactivateUser(db, { tenantId: tenant.id, userId: leaver.id, actor }, 1_000);
    reactivateUser(db, { tenantId: tenant.id, userId: leaver.id, actor }, 1_500);
    deactivateUser(db, { tenantId: tenant.id, userId: leaver.id, actor }, 1_800);
    expect(applyReactivation(db, { tenantId: tenant.id, userId: leaver.id, actor, onlyIfDeactivatedAt: 1_000, auditNoop: false }, 2_000)).toEqual({
      status: "deactivated-again",
    });
    expect(db.select().from(users).where(eq(users.id, leaver.id)).get()).toMatchObject({ active: false, deactivatedAt: 1_800 });
    const outcomes = db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.targetId, leaver.id))
      .all()
      .map((e) => [e.action, e.outcome]);
    expect(outcomes).toEqual([
      ["user.deactivate", "deactivated"],
      ["user.reactivate", "reactivated"],
      ["user.deactivate", "deactivated"],
    ]);
  });

  it("does not audit an already active user when the caller records no-ops itself", () => {
    const user = makeUser(db, tenant.id);
    expect(applyReactivation(db, { tenantId: tenant.id, userId: user.id, actor, onlyIfDeactivatedAt: 1_000, auditNoop: false }, 2_000)).toEqual({
      status: "already-active",
    });
    expect(db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id)).all()).toEqual([]);
  });
});
