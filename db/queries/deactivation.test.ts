import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { auditEvents, personalAccessTokens, sessions, users } from "../schema";
import { deactivateUser } from "./deactivation";

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
    expect(row).toMatchObject({ active: false, state: "inactive:deactivated", deactivatedAt: 1_700_000_000_000, deactivatedBy: { id: actorAdmin.user.id, name: "Ops" } });
    expect(db.select().from(personalAccessTokens).where(eq(personalAccessTokens.adminId, leaver.admin.id)).get()?.revokedAt).toBe(1_700_000_000_000);
    expect(db.select().from(sessions).where(eq(sessions.adminId, leaver.admin.id)).get()?.revokedAt).toBe(1_700_000_000_000);
    const events = db.select().from(auditEvents).where(and(eq(auditEvents.targetId, leaver.user.id), eq(auditEvents.action, "user.deactivate"))).all();
    expect(events).toEqual([expect.objectContaining({ outcome: "deactivated", actorType: "token", actorId: actorAdmin.tokenId, requestId: "req-1" })]);
  });

  it("is idempotent: an inactive user is left alone and the no-op is audited", () => {
    const user = makeUser(db, tenant.id);
    deactivateUser(db, { tenantId: tenant.id, userId: user.id, actor }, 1_000);
    expect(deactivateUser(db, { tenantId: tenant.id, userId: user.id, actor }, 2_000)).toEqual({ status: "already-inactive" });
    expect(db.select().from(users).where(eq(users.id, user.id)).get()?.deactivatedAt).toBe(1_000);
    const outcomes = db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id)).all().map((e) => e.outcome);
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
