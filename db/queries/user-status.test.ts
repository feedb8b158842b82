import { describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { twoProcessDatabases } from "@/test/two-processes";
import { applyReactivation, deactivateUser, reactivateUser } from "./user-status";
import { eventsOf, fixture, revokedAt, userRow } from "./user-status-reads";

describe("deactivateUser", () => {
  const db = createTestDb();
  const f = fixture(db, "token", "Ops");

  it("switches the user off, revokes its tokens and sessions, and writes one audit event", async () => {
    const leaver = await makeAdminWithToken(db, f.tenantId);
    const result = await deactivateUser(db, { tenantId: f.tenantId, userId: leaver.user.id, actor: f.actor, requestId: "req-1" }, 1_700_000_000_000);
    expect(result).toEqual({ status: "deactivated", tokensRevoked: 1, sessionsRevoked: 1 });
    expect(await userRow(db, leaver.user.id)).toMatchObject({
      active: 0,
      state: "inactive:deactivated",
      deactivatedAt: 1_700_000_000_000,
      deactivatedBy: { id: f.actor.userId, name: "Ops" },
    });
    expect(await revokedAt(db, "personal_access_tokens", leaver.admin.id)).toBe(1_700_000_000_000);
    expect(await revokedAt(db, "sessions", leaver.admin.id)).toBe(1_700_000_000_000);
    expect(await eventsOf(db, leaver.user.id, "user.deactivate")).toEqual([
      expect.objectContaining({ outcome: "deactivated", actorType: "token", actorId: f.actor.id, requestId: "req-1" }),
    ]);
  });

  it("is idempotent: an inactive user is left alone and the no-op is audited", async () => {
    const user = await makeUser(db, f.tenantId);
    await deactivateUser(db, { tenantId: f.tenantId, userId: user.id, actor: f.actor }, 1_000);
    expect(await deactivateUser(db, { tenantId: f.tenantId, userId: user.id, actor: f.actor }, 2_000)).toEqual({ status: "already-inactive" });
    expect((await userRow(db, user.id)).deactivatedAt).toBe(1_000);
    expect((await eventsOf(db, user.id)).map((e) => e.outcome)).toEqual(["deactivated", "already_inactive"]);
  });

  it("does not see another tenant's user", async () => {
    const other = await makeTenant(db);
    const stranger = await makeUser(db, other.id);
    expect(await deactivateUser(db, { tenantId: f.tenantId, userId: stranger.id, actor: f.actor })).toEqual({ status: "not-found" });
    expect((await userRow(db, stranger.id)).active).toBe(1);
    expect(await eventsOf(db, stranger.id)).toEqual([]);
  });

  it("deactivates once when 50 requests for one user arrive at once", async () => {
    const user = await makeUser(db, f.tenantId);
    const results = await Promise.all(Array.from({ length: 50 }, () => deactivateUser(db, { tenantId: f.tenantId, userId: user.id, actor: f.actor })));
    expect(results.filter((r) => r.status === "deactivated")).toHaveLength(1);
    expect((await eventsOf(db, user.id)).filter((e) => e.outcome === "deactivated")).toHaveLength(1);
  });
});

// Two servers on one PostgreSQL database (READ COMMITTED): without the user row's lock, both
// would read "active" and both audit a deactivation. (Two SQLite handles in one process cannot
// hold transactions at once: the busy wait would block the thread the other one needs.)
describe.skipIf(TEST_DIALECT !== "postgres")("deactivateUser from two servers on one PostgreSQL database", () => {
  const [one, two] = twoProcessDatabases("user_status_race");
  const f = fixture(one, "admin", "Ops");

  it("gives exactly one deactivated event for 50 concurrent deactivations of one user", async () => {
    const user = await makeUser(one, f.tenantId);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => deactivateUser(i % 2 ? one : two, { tenantId: f.tenantId, userId: user.id, actor: f.actor })),
    );
    expect(results.filter((r) => r.status === "deactivated")).toHaveLength(1);
    expect(results.filter((r) => r.status === "already-inactive")).toHaveLength(49);
    const outcomes = (await eventsOf(one, user.id)).map((e) => e.outcome);
    expect(outcomes.filter((o) => o === "deactivated")).toHaveLength(1);
    expect(outcomes).toHaveLength(50);
  });

  it("reactivates once when a reactivation races from both servers", async () => {
    const user = await makeUser(one, f.tenantId, { active: false });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => reactivateUser(i % 2 ? one : two, { tenantId: f.tenantId, userId: user.id, actor: f.actor })),
    );
    expect(results.filter((r) => r.status === "reactivated")).toHaveLength(1);
    expect((await eventsOf(one, user.id, "user.reactivate")).filter((e) => e.outcome === "reactivated")).toHaveLength(1);
  });
});

describe("reactivateUser", () => {
  const db = createTestDb();
  const f = fixture(db, "admin", "Ops");

  it("switches a deactivated user back on and writes its own audit event", async () => {
    const leaver = await makeUser(db, f.tenantId);
    await deactivateUser(db, { tenantId: f.tenantId, userId: leaver.id, actor: f.actor }, 1_000);
    const result = await reactivateUser(db, { tenantId: f.tenantId, userId: leaver.id, actor: f.actor, requestId: "req-2" }, 2_000);
    expect(result).toEqual({ status: "reactivated" });
    expect(await userRow(db, leaver.id)).toMatchObject({
      active: 1,
      state: "active:available",
      deactivatedAt: null,
      deactivatedBy: null,
      updatedAt: 2_000,
      updatedBy: { id: f.actor.userId, name: "Ops" },
    });
    const events = await eventsOf(db, leaver.id, "user.reactivate");
    expect(events).toEqual([
      expect.objectContaining({ outcome: "reactivated", actorType: "admin", actorId: f.actor.id, actorName: "Ops", requestId: "req-2", createdAt: 2_000 }),
    ]);
    expect(events[0]?.details).toMatchObject({ email: leaver.email, deactivatedAt: new Date(1_000).toISOString() });
  });

  it("leaves revoked tokens and sessions revoked", async () => {
    const returning = await makeAdminWithToken(db, f.tenantId);
    await deactivateUser(db, { tenantId: f.tenantId, userId: returning.user.id, actor: f.actor }, 1_000);
    await reactivateUser(db, { tenantId: f.tenantId, userId: returning.user.id, actor: f.actor }, 2_000);
    expect(await revokedAt(db, "personal_access_tokens", returning.admin.id)).toBe(1_000);
    expect(await revokedAt(db, "sessions", returning.admin.id)).toBe(1_000);
  });

  it("is idempotent: an active user is left alone and the no-op is audited", async () => {
    const user = await makeUser(db, f.tenantId);
    const before = await userRow(db, user.id);
    expect(await reactivateUser(db, { tenantId: f.tenantId, userId: user.id, actor: f.actor }, 5_000)).toEqual({ status: "already-active" });
    expect(await userRow(db, user.id)).toEqual(before);
    expect((await eventsOf(db, user.id)).map((e) => [e.action, e.outcome])).toEqual([["user.reactivate", "already_active"]]);
  });

  it("does not see another tenant's user", async () => {
    const other = await makeTenant(db);
    const stranger = await makeUser(db, other.id, { active: false });
    expect(await reactivateUser(db, { tenantId: f.tenantId, userId: stranger.id, actor: f.actor })).toEqual({ status: "not-found" });
    expect((await userRow(db, stranger.id)).active).toBe(0);
    expect(await eventsOf(db, stranger.id)).toEqual([]);
  });
});

describe("applyReactivation with onlyIfDeactivatedAt (a bulk undo)", () => {
  const db = createTestDb();
  const f = fixture(db, "token", "Undo job");

  it("reactivates a user still in that deactivation, the audit event naming the caller's details instead of the time", async () => {
    const leaver = await makeUser(db, f.tenantId);
    await deactivateUser(db, { tenantId: f.tenantId, userId: leaver.id, actor: f.actor }, 1_000);
    const result = await applyReactivation(
      db,
      {
        tenantId: f.tenantId,
        userId: leaver.id,
        actor: f.actor,
        onlyIfDeactivatedAt: 1_000,
        auditDetails: { jobId: "job-2", undoOf: "job-1" },
        auditNoop: false,
      },
      2_000,
    );
    expect(result).toEqual({ status: "reactivated" });
    expect(await userRow(db, leaver.id)).toMatchObject({ active: 1, deactivatedAt: null });
    expect((await eventsOf(db, leaver.id, "user.reactivate")).map((e) => e.details)).toEqual([{ email: leaver.email, jobId: "job-2", undoOf: "job-1" }]);
  });

  it("leaves a user deactivated again since then alone, without an audit event", async () => {
    const leaver = await makeUser(db, f.tenantId);
    await deactivateUser(db, { tenantId: f.tenantId, userId: leaver.id, actor: f.actor }, 1_000);
    await reactivateUser(db, { tenantId: f.tenantId, userId: leaver.id, actor: f.actor }, 1_500);
    await deactivateUser(db, { tenantId: f.tenantId, userId: leaver.id, actor: f.actor }, 1_800);
    expect(
      await applyReactivation(db, { tenantId: f.tenantId, userId: leaver.id, actor: f.actor, onlyIfDeactivatedAt: 1_000, auditNoop: false }, 2_000),
    ).toEqual({ status: "deactivated-again" });
    expect(await userRow(db, leaver.id)).toMatchObject({ active: 0, deactivatedAt: 1_800 });
    expect((await eventsOf(db, leaver.id)).map((e) => [e.action, e.outcome])).toEqual([
      ["user.deactivate", "deactivated"],
      ["user.reactivate", "reactivated"],
      ["user.deactivate", "deactivated"],
    ]);
  });

  it("does not audit an already active user when the caller records no-ops itself", async () => {
    const user = await makeUser(db, f.tenantId);
    expect(await applyReactivation(db, { tenantId: f.tenantId, userId: user.id, actor: f.actor, onlyIfDeactivatedAt: 1_000, auditNoop: false }, 2_000)).toEqual(
      { status: "already-active" },
    );
    expect(await eventsOf(db, user.id)).toEqual([]);
  });
});
