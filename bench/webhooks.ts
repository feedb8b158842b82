/**
 * Webhooks under a bulk leaver job: on a tenant of --users users, three leaver jobs of --rows rows
 * each (disjoint sets of active users, the same shape), run by the leaver worker with the webhook
 * dispatcher beside it on the same event loop and connections as server/start.ts sets them up:
 *   - a job without a webhook endpoint, one with an endpoint (every event type) that a receiver on
 *     loopback (a process of its own, verifying every signature) answers, and one without again
 *     (the endpoint disabled once it has every event): the job with it against the mean of the two
 *     without, target ≤ 20% slower. Each job leaves the database larger for the next (and on
 *     PostgreSQL a vacuum, run before each job, untimed);
 *   - from the end of the job with the endpoint to the last of its events received (the job's
 *     user.deactivated events and its leaver_job.completed): target ≤ 60 s;
 *   - then the retention's pruning of every delivery and event (as if WEBHOOK_RETENTION_DAYS were
 *     over): its time, and how long its steps take (each one statement, SQLite's write lock held meanwhile).
 * The HTTP server and Next.js are left out: they do nothing during a job.
 *
 *   npm run bench:webhooks -- [--users 350000] [--rows 100000] [--postgres [URL]]
 *   (or npx tsx bench/webhooks.ts …)
 *
 * A report: exits 0 unless something crashed.
 */
import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";
import { openDatabaseUrl, type Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { getLeaverJob, type LeaverActor } from "@/db/queries/leaver-jobs";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { updateWebhookEndpoint } from "@/db/queries/webhook-admin";
import { relayAuditEvents } from "@/db/queries/webhook-relay";
import { startLeaverWorker } from "@/lib/leavers/worker";
import { startWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { createCheckedWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { createHistoryPruner, PRUNE_BATCH } from "@/lib/webhooks/retention";
import { postgresOption, runDatabase, withOptionalValues, type BenchDatabase } from "./lib/database";
import { rosterCli } from "./lib/roster";
import { benchRun, log, machine, requireCounts } from "./lib/run";
import { percentile } from "./lib/stats";

type ReceiverStats = { requests: number; unique: number; invalid: number; lastAt: number };

// The receiver: this file again, in a process of its own, so that receiving does not share the job's CPU time.
if (process.argv.includes("--receiver")) runReceiver();
else {
  const { values } = parseArgs({
    options: { users: { type: "string", default: "350000" }, rows: { type: "string", default: "100000" }, ...postgresOption },
    args: withOptionalValues(process.argv.slice(2)),
  });
  const USERS = Number(values.users);
  const ROWS = Number(values.rows);
  requireCounts("webhooks", { "--users": USERS });
  requireCounts("webhooks", { "--rows": ROWS }, 100_000);
  const bench = benchRun("webhooks");
  void bench.run(() => main(bench, USERS, ROWS, values.postgres));
}

function runReceiver(): void {
  let secret: Webhook | null = null;
  const seen = new Set<string>();
  const stats: ReceiverStats = { requests: 0, unique: 0, invalid: 0, lastAt: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
      try {
        secret?.verify(Buffer.concat(chunks).toString("utf8"), headers);
      } catch {
        stats.invalid += 1;
      }
      stats.requests += 1;
      if (!seen.has(headers["webhook-id"]!)) {
        seen.add(headers["webhook-id"]!);
        stats.unique += 1;
        stats.lastAt = Date.now();
      }
      res.writeHead(204).end();
    });
  });
  process.on("message", (message: { secret?: string; stats?: true }) => {
    if (message.secret) secret = new Webhook(message.secret);
    if (message.stats) process.send!(stats);
  });
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on("disconnect", () => process.exit(0));
}

function ask<T>(child: ChildProcess, message: object): Promise<T> {
  return new Promise((resolve) => {
    child.once("message", (answer) => resolve(answer as T));
    child.send(message);
  });
}

async function main(bench: ReturnType<typeof benchRun>, users: number, rows: number, postgres: string | undefined): Promise<void> {
  const database: BenchDatabase = await runDatabase(bench, "webhooks", postgres);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, NODE_ENV: "production" };
  delete env.NODE_OPTIONS;
  log(`database (${database.label}): ${database.where}`);
  rosterCli(env, ["migrate"]);
  const started = performance.now();
  const { tenantId } = rosterCli(env, ["seed", "--users", String(users), "--tenant", "bench-webhooks"]) as { tenantId: string };
  log(`seed: ${users.toLocaleString("en-US")} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Its jobs run at once: a new tenant's jobs above 100 rows wait for a second admin (docs/decisions/0025).
  rosterCli(env, ["tenant", "set", "--tenant", tenantId, "--approval-threshold", "off"]);
  const adminEmail = "bench-admin@bench.example";
  rosterCli(env, ["admin", "create", "--tenant", tenantId, "--email", adminEmail, "--role", "admin", "--password", "bench-password-1234"]);

  // As server/start.ts: the worker and the dispatcher on a connection of their own on SQLite.
  const db = openDatabaseUrl(database.url, { max: 10 });
  const jobDb = database.dialect === "sqlite" ? openDatabaseUrl(database.url) : db;
  const admin = (await prepared<{ id: string; userId: string }>(
    db,
    `select a.id, a.user_id as "userId" from admins a join users u on u.id = a.user_id where u.email_normalized = ?`,
  ).get(adminEmail))!;
  const actor: LeaverActor = { type: "admin", id: admin.id, name: "bench", userId: admin.userId };
  const emails = (
    await prepared<{ email: string }>(db, `select email from users where tenant_id = ? and active = true and id <> ? order by id limit ?`).all(
      tenantId,
      admin.userId,
      3 * rows,
    )
  ).map((row) => row.email);
  if (emails.length < 3 * rows) throw new Error(`only ${emails.length} active users for three jobs of ${rows}: raise --users`);

  const receiver = fork(process.argv[1]!, ["--receiver"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  bench.onCleanup(async () => void receiver.kill());
  const { port } = await new Promise<{ port: number }>((resolve) => receiver.once("message", (message) => resolve(message as { port: number })));

  const worker = startLeaverWorker(jobDb);
  const dispatcher = startWebhookDispatcher(jobDb, { allowPrivateAddresses: true });
  bench.onCleanup(async () => {
    await Promise.all([worker.stop(), dispatcher.stop()]);
    if (jobDb !== db) await jobDb.close();
    await db.close();
  });

  /** Queues a job of these users and waits for it: its time from confirmation to completed. */
  async function runJob(jobEmails: string[]): Promise<{ seconds: number; cpuSeconds: number; deactivated: number; endedAt: number }> {
    // Every job starts without the vacuum debt of the one before: autovacuum of a job's 100,000 dead
    // rows otherwise runs during the next job, whose deactivation statements took 137 ms (median)
    // in the first job and 208 ms in the second, the same statements (bench:webhooks, statement log).
    if (database.dialect === "postgres") await prepared(db, "vacuum (analyze)").run();
    const csv = `email,reason,ticket\n${jobEmails.map((email, i) => `${email},benchmark,BENCH-${i}`).join("\n")}\n`;
    const { preview } = await previewLeaverFile(db, { tenantId, actor, fileName: "bench.csv", bytes: new TextEncoder().encode(csv) });
    const confirmed = await confirmLeaverPreview(db, { tenantId, previewId: preview.id, actor, requestId: null });
    if (confirmed.status !== "created") throw new Error(`confirm: ${confirmed.status}`);
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const job = await getLeaverJob(db, tenantId, confirmed.job.id);
      if (job?.status !== "completed") continue;
      log(`job ${job.id}: ${JSON.stringify(job.counts)}`);
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      return { seconds: (performance.now() - start) / 1000, cpuSeconds, deactivated: job.counts.deactivated ?? 0, endedAt: Date.now() };
    }
  }

  log(`job without a webhook endpoint: ${rows.toLocaleString("en-US")} rows ...`);
  const before = await runJob(emails.slice(0, rows));
  // The first job's events are behind us (SQLite's relay reads them after the commit): the endpoint gets the second's only.
  await relayAuditEvents(db, Number.MAX_SAFE_INTEGER);
  const created = await createCheckedWebhookEndpoint(
    db,
    { tenantId, url: `http://127.0.0.1:${port}/hooks`, actor: { type: "system", name: "bench" } },
    { allowPrivateAddresses: true },
  );
  if (!("endpoint" in created)) throw new Error(created.refused);
  await ask(receiver, { secret: created.endpoint.secret, stats: true });
  log(`job with a webhook endpoint: ${rows.toLocaleString("en-US")} rows ...`);
  const hooked = await runJob(emails.slice(rows, 2 * rows));
  const expected = hooked.deactivated + 1;
  let stats = await ask<ReceiverStats>(receiver, { stats: true });
  while (stats.unique < expected) {
    if (Date.now() - hooked.endedAt > 300_000) throw new Error(`only ${stats.unique} of ${expected} events arrived in 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    stats = await ask<ReceiverStats>(receiver, { stats: true });
  }
  const outbox = (await prepared<{ events: number; deliveries: number; attempts: number; repeated: number }>(
    db,
    `select count(distinct e.sequence) as events, count(d.id) as deliveries, coalesce(sum(d.attempts), 0) as attempts,
      coalesce(sum(case when d.attempts > 1 then 1 else 0 end), 0) as repeated
    from webhook_events e join webhook_deliveries d on d.event_sequence = e.sequence where e.tenant_id = ?`,
  ).get(tenantId))!;
  log(`outbox: ${JSON.stringify(outbox)}, receiver: ${JSON.stringify(stats)}`);
  await updateWebhookEndpoint(db, { tenantId, id: created.endpoint.id, actor: { type: "system", name: "bench" }, changes: { enabled: false } });
  log(`job without a webhook endpoint again: ${rows.toLocaleString("en-US")} rows ...`);
  const after = await runJob(emails.slice(2 * rows));
  const plain = { seconds: (before.seconds + after.seconds) / 2, cpuSeconds: (before.cpuSeconds + after.cpuSeconds) / 2 };
  // On the dispatcher's connection, as the server prunes.
  const pruned = await pruneEverything(jobDb);
  const slower = hooked.seconds / plain.seconds - 1;
  const lagSeconds = Math.max(0, stats.lastAt - hooked.endedAt) / 1000;

  const label = database.label;
  const line = (what: string, value: string, target: string, ok: boolean | null) =>
    console.log(`${`${what} (${label})`.padEnd(66)} ${value.padStart(10)}   ${target.padEnd(12)} ${ok === null ? "" : ok ? "ok" : "MISSED"}`.trimEnd());
  console.log(`\nwebhooks on ${label}: ${users.toLocaleString("en-US")} users, 3 jobs of ${rows.toLocaleString("en-US")} rows, ${machine()}`);
  line(
    `jobs without an endpoint, before and after (${before.deactivated.toLocaleString("en-US")} deactivated each)`,
    `${before.seconds.toFixed(2)} / ${after.seconds.toFixed(2)} s`,
    "",
    null,
  );
  line(`job with an endpoint (${hooked.deactivated.toLocaleString("en-US")} deactivated)`, `${hooked.seconds.toFixed(2)} s`, "", null);
  line("job slower with the endpoint (than the two without, mean)", `${(slower * 100).toFixed(1)} %`, "target ≤ 20 %", slower <= 0.2);
  // CPU time of this process (the worker, the dispatcher, the polling): steadier than wall time on a busy machine.
  line("job CPU time without (mean) / with the endpoint", `${plain.cpuSeconds.toFixed(2)} / ${hooked.cpuSeconds.toFixed(2)} s`, "", null);
  line("job CPU time more with the endpoint", `${((hooked.cpuSeconds / plain.cpuSeconds - 1) * 100).toFixed(1)} %`, "", null);
  line(`job end → last of its ${expected.toLocaleString("en-US")} events received`, `${lagSeconds.toFixed(2)} s`, "target ≤ 60 s", lagSeconds <= 60);
  line("requests received (retries and repeats included) / bad signatures", `${stats.requests} / ${stats.invalid}`, "", stats.invalid === 0);
  line(
    `pruning it all (${pruned.deliveries.toLocaleString("en-US")} deliveries, ${pruned.events.toLocaleString("en-US")} events)`,
    `${pruned.seconds.toFixed(2)} s`,
    "",
    null,
  );
  line(
    `  its steps (${pruned.stepsMs.length}, ${PRUNE_BATCH.toLocaleString("en-US")} rows each): p50 / p99 / longest`,
    `${[50, 99, 100].map((p) => percentile(pruned.stepsMs, p).toFixed(1)).join(" / ")} ms`,
    "",
    null,
  );
}

/**
 * The retention's pass (lib/webhooks/retention.ts) as if everything delivered were over, each
 * step timed: a step is one statement, and on SQLite it holds the one write lock while it runs.
 */
async function pruneEverything(db: Db): Promise<{ deliveries: number; events: number; seconds: number; stepsMs: number[] }> {
  const count = async () =>
    (await prepared<{ deliveries: number; events: number }>(
      db,
      `select (select count(*) from webhook_deliveries) as deliveries, (select count(*) from webhook_events) as events`,
    ).get())!;
  const before = await count();
  const pruner = createHistoryPruner(db, 0);
  const now = Date.now();
  const started = performance.now();
  const stepsMs: number[] = [];
  for (let more = true; more;) {
    const stepStarted = performance.now();
    more = await pruner.step(now);
    stepsMs.push(performance.now() - stepStarted);
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await count();
  return { deliveries: before.deliveries - after.deliveries, events: before.events - after.events, seconds, stepsMs };
}
