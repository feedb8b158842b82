import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { applyDeactivation, applyDeactivations, applyReactivation, applyReactivations, deactivateUser, reactivateUser } from "./user-status";
import { eventsOf, fixture, revokedAt, userRow } from "./user-status-reads";

// A leaver job's batch: set-based on PostgreSQL, so compared here with one call per user on a
// twin set of users (the same mix, made twice) — results, user rows, revocations, audit events.
describe("applyDeactivations and applyReactivations (a leaver job's batch)", () => {
  const db = createTestDb();
  const f = fixture(db, "token", "Leaver job");
  const MISSING = "00000000-0000-4000-8000-000000000000";

  /** What the changes left, the users' own ids, emails and creation times left out (they differ between the twins). */
  async function snapshot(ids: string[], adminId: string) {
    const users = await Promise.all(ids.map(async (id) => (id === MISSING ? null : { row: await userRow(db, id), events: await eventsOf(db, id) })));
    return {
      users: users.map(
        (user) =>
          user && {
            ...user.row,
            updatedAt: user.row.updatedAt <= 2_000 ? user.row.updatedAt : "untouched",
            events: user.events.map((e) => ({ ...e, details: { ...(e.details as object), email: "-" } })),
          },
      ),
      token: await revokedAt(db, "personal_access_tokens", adminId),
      session: await revokedAt(db, "sessions", adminId),
    };
  }

  // An admin with a token and a session, an active user, an inactive one, another tenant's, a
  // missing id, and the active user named again.
  async function leavers() {
    const admin = await makeAdminWithToken(db, f.tenantId);
    const active = await makeUser(db, f.tenantId);
    const inactive = await makeUser(db, f.tenantId, { active: false });
    const stranger = await makeUser(db, (await makeTenant(db)).id);
    return { adminId: admin.admin.id, ids: [admin.user.id, active.id, inactive.id, stranger.id, MISSING, active.id] };
  }
  const details = (i: number) => ({ jobId: "job-1", ticket: `T-${i}` });

  it("deactivate with the results, effects and audit events of one applyDeactivation per user", async () => {
    const [set, single] = [await leavers(), await leavers()];
    const base = { tenantId: f.tenantId, actor: f.actor, requestId: "req-1" };
    const users = set.ids.map((userId, i) => ({ userId, auditDetails: details(i) }));
    const results = await db.transaction(() => applyDeactivations(db, { ...base, users }, 1_000), "immediate");
    const oneByOne = await db.transaction(async () => {
      const out = [];
      for (const [i, userId] of single.ids.entries())
        out.push(await applyDeactivation(db, { ...base, userId, auditDetails: details(i), auditNoop: false }, 1_000));
      return out;
    }, "immediate");
    expect(results).toEqual(oneByOne);
    expect(results).toEqual([
      { status: "deactivated", tokensRevoked: 1, sessionsRevoked: 1 },
      { status: "deactivated", tokensRevoked: 0, sessionsRevoked: 0 },
      { status: "already-inactive" },
      { status: "not-found" },
      { status: "not-found" },
      { status: "already-inactive" },
    ]);
    const after = await snapshot(set.ids, set.adminId);
    expect(after).toEqual(await snapshot(single.ids, single.adminId));
    expect(after.token).toBe(1_000);
    expect(after.users[0]?.events).toEqual([
      expect.objectContaining({ outcome: "deactivated", details: { email: "-", tokensRevoked: 1, sessionsRevoked: 1, jobId: "job-1", ticket: "T-0" } }),
    ]);
  });

  it("reactivate with the results, effects and audit events of one applyReactivation per user", async () => {
    const [set, single] = [await leavers(), await leavers()];
    const base = { tenantId: f.tenantId, actor: f.actor, requestId: "req-2" };
    for (const { ids } of [set, single]) {
      for (const id of ids.slice(0, 2)) await deactivateUser(db, { ...base, userId: id }, 1_000);
      // The admin is deactivated again since: an undo of the 1,000 deactivation leaves them alone.
      await reactivateUser(db, { ...base, userId: ids[0]! }, 1_500);
      await deactivateUser(db, { ...base, userId: ids[0]! }, 1_800);
    }
    // The inactive user is reactivated without a guard: its event names the deactivation's time.
    const guard = (i: number) => (i === 2 ? {} : { onlyIfDeactivatedAt: 1_000 });
    const users = set.ids.map((userId, i) => ({ userId, auditDetails: details(i), ...guard(i) }));
    const results = await db.transaction(() => applyReactivations(db, { ...base, users }, 2_000), "immediate");
    const oneByOne = await db.transaction(async () => {
      const out = [];
      for (const [i, userId] of single.ids.entries())
        out.push(await applyReactivation(db, { ...base, userId, auditDetails: details(i), auditNoop: false, ...guard(i) }, 2_000));
      return out;
    }, "immediate");
    expect(results).toEqual(oneByOne);
    expect(results.map((r) => r.status)).toEqual(["deactivated-again", "reactivated", "reactivated", "not-found", "not-found", "already-active"]);
    expect(await snapshot(set.ids, set.adminId)).toEqual(await snapshot(single.ids, single.adminId));
  });
});
