/**
 * Scheduled deactivations falling due together (issue 12: "100,000 scheduled rows due at the same
 * minute all done within 60 s of it"). On a seeded tenant of --users users, --rows schedules are
 * all due at the start of the next whole minute; the executor the server runs
 * (lib/scheduled/executor.ts, real clock, its 5 s poll and its timer to the next due time) runs
 * them on a connection of its own, as server/start.ts gives it. Prints:
 *   - time from the due minute to the last schedule executed (its finished_at), target ≤ 60 s;
 *   - rows per second from the due minute to the last one;
 *   - the load average before and after.
 *
 *   npm run bench:scheduled [-- --rows 100000] [--users 120000] [--postgres [URL]]
 *
 * A report: exits 0 unless something crashed (or a schedule did not end executed).
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { openDatabaseUrl } from "@/db/client";
import { configureJobConnection } from "@/db/queries/leaver-batch";
import { scheduleFixture, seedScheduledDeactivations } from "@/db/queries/scheduled-bulk";
import { startScheduledExecutor } from "@/lib/scheduled/executor";
import { postgresOption, runDatabase, withOptionalValues } from "./lib/database";
import { rosterCli } from "./lib/roster";
import { benchRun, log, machine, requireCounts } from "./lib/run";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "100000" }, users: { type: "string" }, ...postgresOption },
  args: withOptionalValues(process.argv.slice(2)),
});
const ROWS = Number(values.rows);
const USERS = Number(values.users ?? Math.ceil(ROWS * 1.2) + 10);
requireCounts("scheduled", { "--rows": ROWS, "--users": USERS });
const TARGET_S = 60;
const bench = benchRun("scheduled");
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

async function main() {
  log(machine());
  const database = await runDatabase(bench, "scheduled", values.postgres);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url };
  delete env.NODE_OPTIONS;
  rosterCli(env, ["migrate"]);
  log(`seed: ${USERS.toLocaleString("en-US")} users on ${database.label} ...`);
  const { tenantId } = rosterCli(env, ["seed", "--users", String(USERS), "--tenant", "scheduled"]) as { tenantId: string };
  rosterCli(env, ["admin", "create", "--tenant", tenantId, "--email", "bench-admin@scheduled.example", "--role", "admin"]);

  const db = openDatabaseUrl(database.url);
  bench.onCleanup(() => db.close());
  const { admin, userIds } = await scheduleFixture(db, tenantId, ROWS);
  if (userIds.length < ROWS) throw new Error(`only ${userIds.length} active users for ${ROWS} schedules: raise --users`);
  // The next whole minute, at least 15 s away, so that the schedules are written before it.
  const dueAt = Math.ceil((Date.now() + 15_000) / 60_000) * 60_000;
  log(`schedule: ${ROWS.toLocaleString("en-US")} deactivations due at ${new Date(dueAt).toISOString()} ...`);
  await seedScheduledDeactivations(db, { tenantId, userIds, effectiveAt: dueAt, actor: { type: "admin", id: admin.id, name: "bench", userId: admin.userId } });

  // The executor on its own connection, started before the due time, as a running server has it.
  const executorDb = openDatabaseUrl(database.url);
  // Tuned as the server's job connection is (startLeaverWorker configures the one they share).
  configureJobConnection(executorDb);
  const executor = startScheduledExecutor(executorDb);
  bench.onCleanup(async () => {
    await executor.stop();
    await executorDb.close();
  });
  const loadBefore = load();
  const count = async (status: string) =>
    Number(
      (await db.statement<{ n: number }>("select count(*) as n from scheduled_deactivations where tenant_id = ? and status = ?").get(tenantId, status))!.n,
    );
  while ((await count("scheduled")) > 0) {
    if (Date.now() > dueAt + 10 * 60_000) throw new Error("schedules still pending 10 minutes after their time");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const loadAfter = load();
  const times = (await db
    .statement<{ first: number; last: number }>(
      `select min(finished_at) as "first", max(finished_at) as "last" from scheduled_deactivations where tenant_id = ? and status = 'executed'`,
    )
    .get(tenantId))!;
  const executed = await count("executed");
  const doneS = (Number(times.last) - dueAt) / 1000;
  const firstS = (Number(times.first) - dueAt) / 1000;
  console.log(`bench:scheduled on ${database.label}: ${ROWS.toLocaleString("en-US")} schedules due at ${new Date(dueAt).toISOString()}`);
  console.log(`  executed                      ${executed.toLocaleString("en-US")} of ${ROWS.toLocaleString("en-US")}`);
  console.log(`  first executed after due      ${firstS.toFixed(1)} s`);
  console.log(`  due → last executed           ${doneS.toFixed(1)} s (target ≤ ${TARGET_S} s: ${doneS <= TARGET_S ? "met" : "MISSED"})`);
  console.log(`  rows/s (due → last)           ${Math.round(ROWS / Math.max(doneS, 0.001)).toLocaleString("en-US")}`);
  console.log(`  load average before / after   ${loadBefore} / ${loadAfter}`);
  if (executed !== ROWS) throw new Error(`${ROWS - executed} schedules did not end executed`);
}

void bench.run(main);
