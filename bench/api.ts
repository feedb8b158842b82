/**
 * API throughput and latency on a seeded database, against the production server (the bundle
 * `npm start` runs, on a `next build`), compared in the same run with a plain node:http server
 * doing the same queries (bench/lib/plain-server.ts: better-sqlite3, or node-postgres) and with a
 * bare Next.js GET route (app/api/bench/constant). Prints figures, targets and ratios; a report,
 * so it exits 0 unless something crashed.
 *
 *   npm run bench:api [-- --users 50000] [--skip-build] [--duration 25] [--rounds 5] [--warmup 10] [--connections 16]
 *                     [--profile DIR]   (V8 CPU profile of the Roster server, written to DIR; runs server/start.ts under tsx)
 *                     [--postgres [URL]]
 *
 * Method (docs/decisions/0026): wrk loads every subject (Roster's bare route, lookups, OS1 GetUser
 * and deactivations of distinct users; the plain server's lookups, GetUser and deactivations)
 * for --warmup seconds each, then in `rounds` rounds of duration/rounds seconds each, the order
 * rotating each round, so that a shared machine's background load hits every subject alike; a
 * ratio is the median of the per-round ratios to the plain server's figure. The 1,000-address
 * lookup is warmed up, then measured at 1, 4 and 16 connections. Server and client CPU per
 * request (from /proc) are printed beside each throughput.
 *
 * --postgres runs the servers under test on a throwaway PostgreSQL database (bench/lib/database.ts).
 * Its lookups are also held to SQLite's, so the run seeds a SQLite file the same way and starts a
 * second production server on it, loaded in the same rounds.
 * The build goes to ROSTER_DIST_DIR (default .next-bench); --skip-build reuses it.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { prepareApiFixture, type ApiFixture } from "./lib/api-fixture";
import { printRows, batchRow, clientLine, ratioRow, recordRow, rssRow, type Row } from "./lib/api-report";
import { apiRequests, BATCH, startPlain } from "./lib/api-requests";
import { postgresOption, runDatabase, sqliteDatabase, withOptionalValues, type BenchDatabase } from "./lib/database";
import { freePort, memoryMb } from "./lib/processes";
import { buildNext, rosterCli, startRoster } from "./lib/roster";
import { benchRun, log, machine, requireCounts, seconds } from "./lib/run";
import { interleaved, loadOnce, medianRatio, probe, type Load, type Series } from "./lib/series";
import { wrkVersion } from "./lib/wrk";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    "skip-build": { type: "boolean", default: false },
    duration: { type: "string", default: "25" },
    rounds: { type: "string", default: "5" },
    warmup: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    profile: { type: "string" },
    verbose: { type: "boolean", default: false },
    ...postgresOption,
  },
  args: withOptionalValues(process.argv.slice(2)),
});
const USERS = Number(values.users);
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const BATCH_CONNECTIONS = [1, 4, 16];
const DIST_DIR = process.env.ROSTER_DIST_DIR || ".next-bench";
const SCOPES = "mx:mxid3:user-identifiers:uuid:read,mx:user-deactivation:write,users:read";
// lib/env.ts accepts at most 10,000,000 requests per window: far more than a run sends.
const RATE_LIMIT_REQUESTS = "10000000";
// Issue 13's targets; on PostgreSQL the lookups are also held to SQLite's in the same run.
const TARGETS = { lookupRatio: 0.35, lookupMoonshot: 0.5, getUserRatio: 0.3, deactivationRatio: 0.3, lookupRatioToSqlite: 0.5, rssMb: 250 };
const BATCH_P99_MS = { sqlite: 40, postgres: 60 };
const BATCH_TARGET_CONNECTIONS = 4;

requireCounts("api", { "--users": USERS, "--duration": DURATION, "--rounds": ROUNDS, "--warmup": WARMUP, "--connections": CONNECTIONS });
// wrk takes whole seconds.
const ROUND_SECONDS = Math.max(1, Math.round(DURATION / ROUNDS));

const bench = benchRun("api");
// NODE_OPTIONS passes through to the servers, e.g. to try V8 heap flags against the RSS target.
const envFor = (database: BenchDatabase): NodeJS.ProcessEnv => ({ ...process.env, DATABASE_URL: database.url });

type Server = { port: number; pid: number; stop: () => Promise<void> };

async function startServer(database: BenchDatabase, profile?: string): Promise<Server> {
  const env = { ...envFor(database), ROSTER_BENCH_ROUTES: "1", RATE_LIMIT_REQUESTS };
  const { port, pid, managed } = await startRoster(`roster (${database.label})`, { env, distDir: DIST_DIR, profile, echo: values.verbose });
  return { port, pid, stop: () => managed.stop() };
}

const identifiers = (text: string) => (JSON.parse(text) as { identifiers: unknown[] }).identifiers.length;

async function main(): Promise<void> {
  const runStarted = performance.now();
  const client = wrkVersion();
  const postgres = values.postgres !== undefined;
  const sqlite = sqliteDatabase(path.join(bench.dir, "roster.db"));
  const tested = postgres ? await runDatabase(bench, "api", values.postgres) : sqlite;
  const label = tested.label;
  const fixtureOf = (database: BenchDatabase): Promise<ApiFixture> =>
    prepareApiFixture({ database, users: USERS, scopes: SCOPES, cli: (args: string[]) => rosterCli(envFor(database), args) });
  const fixture = await fixtureOf(tested);
  const sqliteFixture = postgres ? await fixtureOf(sqlite) : null;
  buildNext({ distDir: DIST_DIR, reuse: values["skip-build"], env: { ...envFor(tested), ROSTER_BENCH_ROUTES: "1" } });

  const server = await startServer(tested, values.profile);
  const sqliteServer = sqliteFixture ? await startServer(sqlite) : null;
  const requests = apiRequests(fixture);
  const plainKind = postgres ? "node-postgres" : "better-sqlite3";
  const plain = await startPlain({
    db: postgres ? tested.url : tested.url.slice("file:".length),
    tenantId: fixture.tenantId,
    port: await freePort(),
    requests,
    kind: plainKind,
    echo: values.verbose,
  });
  const { port, pid } = server;
  const plainPort = plain.loads[0]!.port;

  // Each kind of request answers as it should before it is measured; wrk only tells a status of 400 or above from the rest.
  await probe("bare route", port, requests.bare(0), 200, (text) => text.includes('"ok":true'));
  for (const [name, at] of [
    ["", port],
    ["plain ", plainPort],
  ] as const) {
    await probe(`${name}single lookup`, at, requests.lookup(0), 200, (text) => identifiers(text) === 1);
    await probe(`${name}GetUser`, at, requests.getUser(0), 200, (text) => text.includes(fixture.deactivationIds[0]!));
    await probe(`${name}1,000-address lookup`, at, requests.batch(0), 200, (text) => identifiers(text) === Math.min(BATCH, fixture.emails.length));
  }
  await probe("deactivation", port, requests.deactivation(0)!, 204);
  await probe("plain deactivation", plainPort, requests.plainDeactivation(0), 204);
  const sqliteLookup = sqliteFixture ? apiRequests(sqliteFixture).lookup : null;
  if (sqliteServer && sqliteLookup) await probe("single lookup (SQLite)", sqliteServer.port, sqliteLookup(0), 200, (text) => identifiers(text) === 1);

  const loads: Load[] = [
    { name: "bare", port, pid, next: requests.bare },
    { name: "lookups", port, pid, next: requests.lookup },
    { name: "GetUser", port, pid, next: requests.getUser },
    // The probe took the pool's first user.
    { name: "deactivations", port, pid, next: (i) => requests.deactivation(i + 1), once: true },
    ...(sqliteServer && sqliteLookup ? [{ name: "SQLite lookups", port: sqliteServer.port, pid: sqliteServer.pid, next: sqliteLookup }] : []),
    ...plain.loads,
  ];
  const batchLoad: Load = { name: "1,000-address lookups", port, pid, next: requests.batch };
  log(`warm-up: ${WARMUP} s per subject, ${CONNECTIONS} connections (${client}):`);
  await interleaved(loads, { rounds: 1, roundSeconds: WARMUP, connections: CONNECTIONS });
  await loadOnce(batchLoad, WARMUP, BATCH_TARGET_CONNECTIONS);

  log(`measure: ${ROUNDS} rounds of ${ROUND_SECONDS} s per subject, ${CONNECTIONS} connections:`);
  const measured = await interleaved(loads, { rounds: ROUNDS, roundSeconds: ROUND_SECONDS, connections: CONNECTIONS });
  const get = (name: string) => measured.get(name) as Series;
  const batchRows: Row[] = [];
  for (const connections of BATCH_CONNECTIONS) {
    const { result, cpu } = await loadOnce(batchLoad, ROUND_SECONDS, connections);
    const cpuMs = result.ok ? (cpu / result.ok) * 1000 : Number.NaN;
    log(`measure: 1,000-address lookups at ${connections} connection(s): p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.ok} ok`);
    const limit = connections === BATCH_TARGET_CONNECTIONS ? BATCH_P99_MS[tested.dialect] : null;
    batchRows.push(batchRow(`1,000-address lookup, ${connections} connection(s) (${label})`, result, cpuMs, limit));
  }
  const memory = memoryMb(pid);
  log(`server (${label}): RSS ${memory.rss.toFixed(0)} MB after the run (peak ${memory.peak.toFixed(0)} MB)`);
  await server.stop();
  await sqliteServer?.stop();
  await plain.managed.stop();
  if (values.profile) log(`profile: written to ${path.resolve(values.profile)} (the largest .cpuprofile is the server's)`);

  const sqliteLookups = measured.get("SQLite lookups");
  const rows: Row[] = [
    recordRow(`bare Next route GET /api/bench/constant (${label} server)`, get("bare")),
    ratioRow(`single-address lookups (${label})`, get("lookups"), get("plain lookups"), "plain", TARGETS.lookupRatio, TARGETS.lookupMoonshot),
    ...(sqliteLookups
      ? [ratioRow("PostgreSQL lookups / SQLite lookups (same rounds)", get("lookups"), sqliteLookups, "SQLite", TARGETS.lookupRatioToSqlite)]
      : []),
    ratioRow(`OS1 GetUser by id (${label})`, get("GetUser"), get("plain GetUser"), "plain", TARGETS.getUserRatio),
    ratioRow(`deactivations (PATCH, distinct users) (${label})`, get("deactivations"), get("plain deactivations"), "plain", TARGETS.deactivationRatio),
    recordRow(`plain node:http + ${plainKind} lookups`, get("plain lookups")),
    recordRow(`plain GetUser (select * by id)`, get("plain GetUser")),
    recordRow(`plain deactivations (its writes, one transaction)`, get("plain deactivations")),
    ...batchRows,
    rssRow(`server RSS after the run (${label})`, memory, TARGETS.rssMb),
  ];

  console.log("");
  console.log(`API benchmark on ${label}: ${USERS.toLocaleString("en-US")} users, ${CONNECTIONS} keep-alive connections, ${machine()}`);
  console.log(`method: ${WARMUP} s warm-up per subject, then ${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s; the plain server in the same rounds`);
  console.log("");
  printRows(rows);
  console.log("");
  console.log(clientLine(client, get("plain lookups")));
  const all = [...measured.values()];
  console.log(`latency under load (p50 / worst round's p99): ${all.map((s) => `${s.name} ${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} ms`).join(", ")}`);
  console.log(`per-round req/s: ${all.map((s) => `${s.name} ${s.rounds.map((round) => round.rps.toFixed(0)).join(" ")}`).join("; ")}`);
  const toBare = ["lookups", "GetUser", "deactivations"].map((name) => `${name} ${medianRatio(get(name), get("bare")).toFixed(2)}`);
  console.log(`for the record, / the bare GET route: ${toBare.join(", ")}`);
  console.log(
    "ratio: median over rounds of Roster / plain (or / SQLite) req/s in the same round (the verdict); CPU per request: user+system of the process " +
      "from /proc (the server's, all threads; the client's, wrk's reaped times)" +
      (postgres ? "; on PostgreSQL the database's own backends' CPU is in neither" : ""),
  );
  console.log(`whole run ${seconds(runStarted)}`);
}

void bench.run(main);
