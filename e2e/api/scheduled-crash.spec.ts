import { expect, test } from "@playwright/test";
import type { Param } from "@/db/driver/types";
import { scheduleFixture, seedScheduledDeactivations } from "@/db/queries/scheduled-bulk";
import { ownDatabase, seedOwnTenant, startServer, type OwnDatabase, type OwnServer } from "../fixtures/server";

// Scheduled deactivations survive a crash (issue 12, part 1): the production server runs 20,000
// schedules that fall due together; it is killed with SIGKILL part-way and started again on the
// same database. Every schedule must end executed exactly once: one deactivation audit event per
// user, none twice. Its own servers, ports and database (SQLite, or PostgreSQL with ROSTER_TEST_DATABASE=postgres).

const ROWS = Number(process.env.SCHEDULED_CRASH_ROWS ?? 20_000);
let database: OwnDatabase;
const servers: OwnServer[] = [];

test.describe.configure({ timeout: 240_000 });

test.beforeAll(async () => {
  database = await ownDatabase("scheduled-crash");
});

test.afterAll(async () => {
  for (const server of servers) await server.stop("SIGKILL");
  await database?.remove();
});

test("schedules killed with SIGKILL mid-run are finished after a restart, each exactly once", async () => {
  const { tenantId } = await seedOwnTenant(database.url, Math.ceil(ROWS * 1.2), "sched");
  const db = database.db();
  const one = async (sql: string, ...params: Param[]) => Number((await db.statement<{ n: number }>(sql).get(...params))!.n);
  const { admin, userIds } = await scheduleFixture(db, tenantId, ROWS);
  expect(userIds).toHaveLength(ROWS);
  // Due a few seconds from now: the server starts first and then finds them all due at once.
  const dueAt = Date.now() + 3_000;
  await seedScheduledDeactivations(db, { tenantId, userIds, effectiveAt: dueAt, actor: { type: "admin", id: admin.id, name: "Crash", userId: admin.userId } });

  const executed = () => one("select count(*) as n from scheduled_deactivations where tenant_id = ? and status = 'executed'", tenantId);
  const first = await startServer(database.url);
  servers.push(first);
  const deadline = Date.now() + 60_000;
  while ((await executed()) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await first.stop("SIGKILL");
  const atCrash = await executed();
  expect(atCrash, "the executor had started when the server was killed").toBeGreaterThan(0);
  expect(atCrash, "the executor had not finished when the server was killed").toBeLessThan(ROWS);

  const second = await startServer(database.url);
  servers.push(second);
  await expect.poll(executed, { timeout: 120_000, intervals: [250] }).toBe(ROWS);

  expect(await one("select count(*) as n from scheduled_deactivations where tenant_id = ? and status <> 'executed'", tenantId)).toBe(0);
  expect(await one("select count(*) as n from audit_events where tenant_id = ? and action = 'user.deactivate'", tenantId)).toBe(ROWS);
  expect(
    await one(
      "select count(*) as n from (select target_id from audit_events where action = 'user.deactivate' and tenant_id = ? group by target_id having count(*) > 1) as twice",
      tenantId,
    ),
  ).toBe(0);
  expect(
    await one("select count(*) as n from users where tenant_id = ? and active = false and id in (select user_id from scheduled_deactivations)", tenantId),
  ).toBe(ROWS);
  // Executed no earlier than due.
  expect(await one("select count(*) as n from scheduled_deactivations where tenant_id = ? and finished_at < effective_at", tenantId)).toBe(0);
});
