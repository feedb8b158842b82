import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { auditEvents, personalAccessTokens, sessions, users } from "../schema";
import { deactivateUser } from "./deactivation";
import { reactivateUser } from "./reactivation";

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
    const events = db.select().from(auditEvents).where(and(eq(auditEvents.targetId, leaver.id), eq(auditEvents.action, "user.reactivate"))).all();
    expect(events).toEqual([
      expect.objectContaining({ outcome: "reactivated", actorType: "admin", actorId: actorAdmin.admin.id, actorName: "Ops", requestId: "req-2", createdAt: 2_000 }),
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
    const outcomes = db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id)).all().map((e) => [e.action, e.outcome]);
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
