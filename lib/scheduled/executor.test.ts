import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { cancelScheduledDeactivation, getScheduledDeactivation, scheduleDeactivation, type ScheduleActor } from "@/db/queries/scheduled-deactivations";
import { runDueScheduledDeactivations } from "@/db/queries/scheduled-run";
import { deactivateUser, reactivateUser } from "@/db/queries/user-status";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { twoProcessDatabases } from "@/test/two-processes";
import { startScheduledExecutor } from "./executor";

const T0 = Date.parse("2026-12-03T12:00:00Z");
const MINUTE = 60_000;

async function tenantWithAdmin(db: Db) {
  const tenant = await makeTenant(db);
  const { admin, user } = await makeAdminWithToken(db, tenant.id);
  const actor: ScheduleActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
  const schedule = async (userId: string, effectiveAt: number) => {
    const result = await scheduleDeactivation(db, { tenantId: tenant.id, userId, effectiveAt, actor, requestId: null, source: "console" }, T0);
    if (result.status !== "scheduled") throw new Error(result.status);
    return result.schedule.id;
  };
  return { tenant, actor, schedule };
}

const statusOf = async (db: Db, tenantId: string, id: string) => (await getScheduledDeactivation(db, tenantId, id))?.status;
const isActive = async (db: Db, id: string) =>
  Boolean((await prepared<{ active: number | boolean }>(db, "select active from users where id = ?").get(id))!.active);
const events = (db: Db, tenantId: string, action: string) =>
  prepared<{ targetId: string; details: string }>(
    db,
    `select target_id as "targetId", details from audit_events where tenant_id = ? and action = ? order by created_at, chain_seq`,
  ).all(tenantId, action);

describe("scheduled deactivations under a controllable clock", () => {
  const db = createTestDb();

  it("run not before their time, then once, with the normal deactivation event marked scheduled", async () => {
    const { tenant, schedule } = await tenantWithAdmin(db);
    const user = await makeUser(db, tenant.id);
    const id = await schedule(user.id, T0 + 10 * MINUTE);
    let now = T0 + 10 * MINUTE - 1;
    const executor = startScheduledExecutor(db, { clock: () => now, pollMs: 60 * MINUTE, log: () => undefined });
    try {
      expect((await executor.runNow()).claimed).toBe(0);
      expect(await isActive(db, user.id)).toBe(true);
      now += 1;
      expect(await executor.runNow()).toEqual({ claimed: 1, counts: { executed: 1 } });
      expect((await executor.runNow()).claimed).toBe(0);
    } finally {
      await executor.stop();
    }
    expect(await isActive(db, user.id)).toBe(false);
    expect(await statusOf(db, tenant.id, id)).toBe("executed");
    const deactivations = await events(db, tenant.id, "user.deactivate");
    expect(deactivations).toHaveLength(1);
    expect(JSON.parse(deactivations[0]!.details)).toMatchObject({ scheduled: true, scheduleId: id, effectiveAt: new Date(T0 + 10 * MINUTE).toISOString() });
    expect((await events(db, tenant.id, "user.deactivation_scheduled")).map((e) => e.targetId)).toEqual([user.id]);
  });

  it("never run a cancelled one, and audit the cancellation", async () => {
    const { tenant, actor, schedule } = await tenantWithAdmin(db);
    const user = await makeUser(db, tenant.id);
    const id = await schedule(user.id, T0 + MINUTE);
    expect((await cancelScheduledDeactivation(db, { tenantId: tenant.id, id, actor, requestId: null }, T0)).status).toBe("cancelled");
    expect((await cancelScheduledDeactivation(db, { tenantId: tenant.id, id, actor, requestId: null }, T0)).status).toBe("finished");
    expect((await runDueScheduledDeactivations(db, T0 + 2 * MINUTE)).claimed).toBe(0);
    expect(await isActive(db, user.id)).toBe(true);
    expect((await events(db, tenant.id, "user.deactivation_cancelled")).map((e) => e.targetId)).toEqual([user.id]);
  });

  it("keep one live schedule per user: a second one replaces the first", async () => {
    const { tenant, schedule } = await tenantWithAdmin(db);
    const user = await makeUser(db, tenant.id);
    const first = await schedule(user.id, T0 + MINUTE);
    const second = await schedule(user.id, T0 + 5 * MINUTE);
    expect(await statusOf(db, tenant.id, first)).toBe("cancelled");
    expect(await statusOf(db, tenant.id, second)).toBe("scheduled");
    expect((await runDueScheduledDeactivations(db, T0 + 2 * MINUTE)).claimed).toBe(0);
    expect((await runDueScheduledDeactivations(db, T0 + 5 * MINUTE)).counts).toEqual({ executed: 1 });
  });

  it("give a sensible outcome when the user changed in between", async () => {
    const { tenant, actor, schedule } = await tenantWithAdmin(db);
    const [gone, back] = [await makeUser(db, tenant.id), await makeUser(db, tenant.id)];
    const skipped = await schedule(gone.id, T0 + MINUTE);
    const executed = await schedule(back.id, T0 + MINUTE);
    await deactivateUser(db, { tenantId: tenant.id, userId: gone.id, actor }, T0 + 1);
    await deactivateUser(db, { tenantId: tenant.id, userId: back.id, actor }, T0 + 1);
    await reactivateUser(db, { tenantId: tenant.id, userId: back.id, actor }, T0 + 2);
    expect((await runDueScheduledDeactivations(db, T0 + MINUTE)).counts).toEqual({ executed: 1, skipped: 1 });
    expect(await getScheduledDeactivation(db, tenant.id, skipped)).toMatchObject({ status: "skipped", outcome: "already inactive" });
    // Reactivated meanwhile, still scheduled (the badge said so): deactivated at its time.
    expect(await statusOf(db, tenant.id, executed)).toBe("executed");
    expect(await isActive(db, back.id)).toBe(false);
  });

  it("refuse to schedule an inactive user", async () => {
    const { tenant, actor } = await tenantWithAdmin(db);
    const user = await makeUser(db, tenant.id, { active: false });
    const result = await scheduleDeactivation(db, {
      tenantId: tenant.id,
      userId: user.id,
      effectiveAt: T0 + MINUTE,
      actor,
      requestId: null,
      source: "console",
    });
    expect(result.status).toBe("already-inactive");
  });

  it("run in batches until nothing is due", async () => {
    const { tenant, schedule } = await tenantWithAdmin(db);
    const users = await Promise.all(Array.from({ length: 7 }, () => makeUser(db, tenant.id)));
    for (const user of users) await schedule(user.id, T0 + MINUTE);
    const executor = startScheduledExecutor(db, { clock: () => T0 + MINUTE, pollMs: 60 * MINUTE, batchSize: 3, log: () => undefined });
    try {
      expect(await executor.runNow()).toEqual({ claimed: 7, counts: { executed: 7 } });
    } finally {
      await executor.stop();
    }
  });
});

// Two executors (two servers): every due schedule runs exactly once. On PostgreSQL on two
// connections, skipping each other's claims; SQLite's transactions are synchronous per process
// (two connections in one process would block each other's event loop), so there they share one
// handle and their batches take turns, as two processes' immediate transactions do.
describe("two executors on one database", () => {
  const shared = TEST_DIALECT === "postgres" ? null : createTestDb();
  const [one, two] = shared ? [shared, shared] : twoProcessDatabases("scheduled_executors");

  it("race for the same due rows and run each exactly once", async () => {
    const { tenant, schedule } = await tenantWithAdmin(one);
    const users = await Promise.all(Array.from({ length: 60 }, () => makeUser(one, tenant.id)));
    for (const user of users) await schedule(user.id, T0 + MINUTE);
    const executors = [one, two].map((db) => startScheduledExecutor(db, { clock: () => T0 + MINUTE, pollMs: 60 * MINUTE, batchSize: 7, log: () => undefined }));
    try {
      const results = await Promise.all(executors.map((executor) => executor.runNow()));
      expect(results[0]!.claimed + results[1]!.claimed).toBe(60);
    } finally {
      await Promise.all(executors.map((executor) => executor.stop()));
    }
    const deactivations = await events(one, tenant.id, "user.deactivate");
    expect(deactivations).toHaveLength(60);
    expect(new Set(deactivations.map((e) => e.targetId)).size).toBe(60);
  }, 60_000);
});

// A claim whose holder died (its connection gone, so its transaction rolled back) is finished by
// the next run exactly once. PostgreSQL: row locks held by another connection are skipped, not waited for.
describe.skipIf(TEST_DIALECT !== "postgres")("a claim left by a killed executor", () => {
  const [one, two] = twoProcessDatabases("scheduled_killed");

  it("is skipped while held and run once when its holder is gone", async () => {
    const { tenant, schedule } = await tenantWithAdmin(one);
    const users = await Promise.all(Array.from({ length: 4 }, () => makeUser(one, tenant.id)));
    for (const user of users) await schedule(user.id, T0 + MINUTE);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let claimed!: () => void;
    const holding = new Promise<void>((resolve) => (claimed = resolve));
    // The "killed" executor: claims two rows, then dies (its transaction rolls back).
    const dying = two
      .transaction(async () => {
        await prepared(two, `select id from scheduled_deactivations where status = 'scheduled' and tenant_id = ? order by id limit 2 for update`).all(
          tenant.id,
        );
        claimed();
        await released;
        throw new Error("killed");
      })
      .catch(() => undefined);
    await holding;
    expect((await runDueScheduledDeactivations(one, T0 + MINUTE)).claimed).toBe(2);
    release();
    await dying;
    expect((await runDueScheduledDeactivations(one, T0 + MINUTE)).claimed).toBe(2);
    expect((await runDueScheduledDeactivations(one, T0 + MINUTE)).claimed).toBe(0);
    expect(await events(one, tenant.id, "user.deactivate")).toHaveLength(4);
  }, 60_000);
});
