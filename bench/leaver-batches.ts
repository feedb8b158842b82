/**
 * A leaver job's batches in one process, without the server or HTTP, and where their time goes
 * (SQLite). On a seeded tenant of --users users, bench:leavers' file of --rows rows is previewed and
 * confirmed through the library, then the batches run as the server's worker runs them
 * (lib/leavers/worker.ts): on a connection of their own, tuned by configureJobConnection, with the
 * WAL checkpoint thread beside them. Prints, for the record:
 *   - the batches' time and count;
 *   - each SQL statement's total time, calls and µs per call (the time spent inside better-sqlite3,
 *     including the pages it reads and writes; "commit" writes the batch's pages to the WAL), and
 *     the rest: the job's JavaScript, its garbage collection and the awaits between statements;
 *   - the load average before and after.
 * bench:leavers times the same job through the server; this says what a change to the batch
 * itself is worth, with less noise than a run through HTTP.
 *
 * With --wal-frames, the batches run without checkpoints (no thread, and the connection's own
 * checkpoint off), so that the WAL keeps every page the job wrote (~1 GB for 100,000 rows, in the
 * scratch folder), and the bench also prints the WAL's frames per commit by table and index. Its
 * times are then not the job's: without checkpoints, the WAL only grows.
 *
 *   npm run bench:leaver-batches [-- --users 1000000] [--rows 100000] [--wal-frames]
 *
 * A report: exits 0 unless something crashed.
 */
import { parseArgs } from "node:util";
import type Database from "better-sqlite3";
import { openDatabase, sqliteClient } from "@/db/client";
import { configureJobConnection, processLeaverJobBatch } from "@/db/queries/leaver-batch";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { startWalCheckpointer } from "@/db/wal-checkpointer";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { runDatabase } from "./lib/database";
import { leaverFile } from "./lib/leaver-file";
import { rosterCli } from "./lib/roster";
import { walFrames, type WalFrames } from "./lib/wal-frames";
import { benchRun, log, machine, requireCounts, seconds } from "./lib/run";

const { values } = parseArgs({
  options: { users: { type: "string", default: "1000000" }, rows: { type: "string", default: "100000" }, "wal-frames": { type: "boolean", default: false } },
});
const USERS = Number(values.users);
const ROWS = Number(values.rows);
requireCounts("leaver-batches", { "--users": USERS });
requireCounts("leaver-batches", { "--rows": ROWS }, 100_000); // the leaver file's limit
const bench = benchRun("leaver-batches");

type Timing = { ms: number; calls: number };

/**
 * Times every statement better-sqlite3 runs in this process from now on, by its SQL, and
 * `connection`'s exec calls (its transactions' begin and commit). Two clock reads and a map
 * lookup per call: ~0.3 µs, against the 7-13 µs of a statement of the batch.
 */
function timeStatements(connection: Database.Database): Map<string, Timing> {
  const timings = new Map<string, Timing>();
  const add = (sql: string, started: number) => {
    const ended = performance.now();
    let timing = timings.get(sql);
    if (!timing) timings.set(sql, (timing = { ms: 0, calls: 0 }));
    timing.ms += ended - started;
    timing.calls += 1;
  };
  type Method = (this: Database.Statement, ...args: unknown[]) => unknown;
  const statement = Object.getPrototypeOf(connection.prepare("select 1")) as Record<"run" | "get" | "all", Method>;
  for (const name of ["run", "get", "all"] as const) {
    const original = statement[name];
    statement[name] = function (this: Database.Statement, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        add(this.source, started);
      }
    };
  }
  const exec = connection.exec.bind(connection);
  connection.exec = (sql: string) => {
    const started = performance.now();
    try {
      return exec(sql);
    } finally {
      add(sql, started);
    }
  };
  return timings;
}

async function main(): Promise<void> {
  const database = await runDatabase(bench, "leaver-batches", undefined);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url };
  delete env.NODE_OPTIONS;
  rosterCli(env, ["migrate"]);
  let started = performance.now();
  const { tenantId } = rosterCli(env, ["seed", "--users", String(USERS), "--tenant", "bench-leaver-batches"]) as { tenantId: string };
  log(`seed: ${USERS.toLocaleString("en-US")} users in ${seconds(started)}`);
  // The job runs at once: a new tenant's jobs above 100 rows wait for a second admin (docs/decisions/0025).
  rosterCli(env, ["tenant", "set", "--tenant", tenantId, "--approval-threshold", "off"]);
  const admin = rosterCli(env, ["admin", "create", "--tenant", tenantId, "--email", "bench-admin@bench.example", "--role", "admin"]) as {
    adminId: string;
    userId: string;
  };
  const actor = { type: "admin" as const, id: admin.adminId, userId: admin.userId, name: "bench" };
  const leavers = await leaverFile(database.url, tenantId, ROWS);

  // The requests' connection and the worker's, as server/start.ts opens them.
  const path = database.url.slice("file:".length);
  const requests = openDatabase(path);
  const worker = openDatabase(path);
  bench.onCleanup(async () => {
    await requests.close();
    await worker.close();
  });
  started = performance.now();
  const { preview } = await previewLeaverFile(requests, { tenantId, actor, fileName: "leavers.csv", bytes: new TextEncoder().encode(leavers.csv) });
  log(`preview: ${seconds(started)}, ${JSON.stringify(preview.counts)}`);
  const confirmed = await confirmLeaverPreview(requests, { tenantId, actor, requestId: null, previewId: preview.id });
  if (confirmed.status !== "created" || confirmed.job.status !== "queued") throw new Error(`confirm: ${JSON.stringify(confirmed)}`);

  configureJobConnection(worker);
  const countFrames = values["wal-frames"];
  if (countFrames) {
    sqliteClient(worker).pragma("wal_autocheckpoint = 0");
    sqliteClient(worker).pragma("wal_checkpoint(TRUNCATE)");
  }
  const checkpointer = countFrames ? null : startWalCheckpointer(worker);
  const timings = timeStatements(sqliteClient(worker));
  started = performance.now();
  let batches = 0;
  for (let done = false; !done; batches += 1) done = (await processLeaverJobBatch(worker, confirmed.job.id)).done;
  const totalMs = performance.now() - started;
  await checkpointer?.stop();

  console.log(
    `\nleaver job batches in one process on SQLite${countFrames ? ", WITHOUT checkpoints (--wal-frames)" : ""}: ${USERS.toLocaleString("en-US")} users, ${ROWS.toLocaleString("en-US")} rows, ${machine()}`,
  );
  console.log(`batches: ${(totalMs / 1000).toFixed(2)} s, ${batches} batches`);
  const rows = [...timings].sort((a, b) => b[1].ms - a[1].ms);
  const inStatements = rows.reduce((sum, [, timing]) => sum + timing.ms, 0);
  for (const [sql, { ms, calls }] of rows.slice(0, 12))
    console.log(
      `${ms.toFixed(0).padStart(7)} ms ${String(calls).padStart(8)} × ${((ms * 1000) / calls).toFixed(1).padStart(8)} µs  ${sql.replace(/\s+/g, " ").slice(0, 100)}`,
    );
  const others = rows.slice(12).reduce((sum, [, timing]) => sum + timing.ms, 0);
  console.log(`${others.toFixed(0).padStart(7)} ms  the other ${Math.max(rows.length - 12, 0)} statements`);
  console.log(`${(totalMs - inStatements).toFixed(0).padStart(7)} ms  outside statements (JavaScript, garbage collection, awaits)`);
  if (countFrames) printWalFrames(walFrames(sqliteClient(worker), `${path}-wal`));
}

function printWalFrames({ frames, commits, distinctPages, byBtree }: WalFrames): void {
  console.log(`\nWAL: ${frames.toLocaleString("en-US")} frames (pages written) in ${commits} commits, ${distinctPages.toLocaleString("en-US")} distinct pages`);
  console.log("frames    per commit  table or index");
  for (const [name, n] of byBtree.slice(0, 15)) console.log(`${String(n).padStart(8)} ${(n / commits).toFixed(1).padStart(10)}    ${name}`);
}

void bench.run(main);
