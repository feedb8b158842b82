/**
 * API throughput and latency on a seeded database, against the production server
 * (server/start.ts on a `next build`), compared in the same run with a bare Next.js route
 * (app/api/bench/constant) and with a plain node:http + better-sqlite3 server (the machine's
 * limit). Prints figures, targets and ratios; a report, so it exits 0 unless something crashed.
 *
 *   npm run bench:api [-- --users 50000] [--skip-build] [--duration 10] [--rounds 5] [--connections 16]
 *                     [--profile DIR]   (V8 CPU profile of the Roster server, written to DIR)
 *                     [--postgres [URL]]
 *
 * --postgres runs the server under test on a throwaway PostgreSQL database (bench/lib/database.ts;
 * the plain server then uses node-postgres). Its lookup target is relative to SQLite's, so the run
 * ALSO seeds a SQLite file the same way (same --users, the CLI's default --seed) and starts a
 * second production server on it: its single-address lookups are loaded in the same interleaved
 * rounds as the PostgreSQL server's, and the ratio is the median of the per-round ratios.
 * The build goes to ROSTER_DIST_DIR (default .next-bench); --skip-build reuses it.
 *
 * Throughputs are measured interleaved: `rounds` rounds of duration/rounds seconds per endpoint,
 * the order rotating each round, so that a shared machine's background load hits every endpoint
 * alike; a ratio is the median of the per-round ratios. The server's CPU time per request
 * (from /proc) is printed beside each throughput: it hardly depends on other processes' load.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { prepareApiFixture, type ApiFixture } from "./lib/api-fixture";
import { postgresOption, runDatabase, sqliteDatabase, withOptionalValues, type BenchDatabase } from "./lib/database";
import { runLoad, type RequestSpec } from "./lib/load";
import { cpuSeconds, freePort, listeningPid, memoryMb, startProcess, waitForHttp, type Managed } from "./lib/processes";
import { buildNext, rosterCli, startRoster } from "./lib/roster";
import { benchRun, log, machine, requireCounts, seconds } from "./lib/run";
import { interleaved, medianRatio, probe, type Load, type Series } from "./lib/series";
import { printTable, verdict } from "./lib/table";
import { deactivatePlatformUser, lookupUserIds } from "@/lib/api/endpoints/mendix";
import { contractPath } from "@/lib/contracts/contract";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    "skip-build": { type: "boolean", default: false },
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "5" },
    connections: { type: "string", default: "16" },
    profile: { type: "string" },
    verbose: { type: "boolean", default: false },
    ...postgresOption,
  },
  args: withOptionalValues(process.argv.slice(2)),
});
const USERS = Number(values.users);
const DURATION_MS = Number(values.duration) * 1000;
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const WARMUP_MS = 3000;
const DIST_DIR = process.env.ROSTER_DIST_DIR || ".next-bench";
const SCOPES = "mx:mxid3:user-identifiers:uuid:read,mx:user-deactivation:write";
// lib/env.ts accepts at most 10,000,000 requests per window: far more than a run sends.
const RATE_LIMIT_REQUESTS = "10000000";
const LOOKUP_PATH = lookupUserIds.path;
const BARE_PATH = "/api/bench/constant";
const BATCH = 1000;
// Per database; null: printed for the record. On PostgreSQL the lookups are held to SQLite's (same run).
const TARGETS = {
  sqlite: { lookupRatio: 0.8, deactivationRatio: 0.6 as number | null, batchP50Ms: 15 as number | null, batchP99Ms: 40, rssMb: 300 },
  postgres: { lookupRatioToSqlite: 0.5, deactivationRatio: null, batchP50Ms: null, batchP99Ms: 60, rssMb: 300 },
};

requireCounts("api", { "--users": USERS, "--duration": DURATION_MS, "--connections": CONNECTIONS, "--rounds": ROUNDS });

const bench = benchRun("api");
// NODE_OPTIONS passes through to the servers, e.g. to try V8 heap flags against the RSS target.
const envFor = (database: BenchDatabase): NodeJS.ProcessEnv => ({ ...process.env, DATABASE_URL: database.url });

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

const lookupBody = (emails: readonly string[]) => json({ emailAddresses: emails.map((emailAddress) => ({ emailAddress })) });

function headers(token: string | null): Record<string, string> {
  const result: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (token) result.authorization = `MxToken ${token}`;
  return result;
}

type Row = { figure: string; measured: string; cpu?: string; target: string; ratio: string; cpuRatio?: string; result: string };

const COLUMNS: [keyof Row, string][] = [
  ["figure", "figure"],
  ["measured", "measured"],
  ["cpu", "server CPU/request"],
  ["target", "target"],
  ["ratio", "ratio"],
  ["cpuRatio", "CPU-time ratio"],
  ["result", "result"],
];

type Server = { database: BenchDatabase; fixture: ApiFixture; port: number; pid: number; managed: Managed };

/** The production server on a database (with `profile`, under --cpu-prof: see startRoster). */
async function startServer(database: BenchDatabase, fixture: ApiFixture, profile?: string): Promise<Server> {
  const env = { ...envFor(database), ROSTER_BENCH_ROUTES: "1", RATE_LIMIT_REQUESTS };
  const { port, pid, managed } = await startRoster(`roster (${database.label})`, { env, distDir: DIST_DIR, profile, echo: values.verbose });
  return { database, fixture, port, pid, managed };
}

const auth = (server: Server) => headers(server.fixture.token);

/** Single-address lookups of the server's fixture, one address per request, round robin. */
function singleLookups(server: Server, p = LOOKUP_PATH): (i: number) => RequestSpec {
  const bodies = server.fixture.emails.map((email) => lookupBody([email]));
  const requestHeaders = auth(server);
  return (i) => ({ method: "POST", path: p, headers: requestHeaders, body: bodies[i % bodies.length] });
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const postgres = values.postgres !== undefined;
  // The database under test; on PostgreSQL also a SQLite file, the lookups' yardstick.
  const sqlite = sqliteDatabase(path.join(bench.dir, "roster.db"));
  const tested = postgres ? await runDatabase(bench, "api", values.postgres) : sqlite;
  const label = tested.label;
  const fixtureOf = (database: BenchDatabase) =>
    prepareApiFixture({ database, users: USERS, scopes: SCOPES, cli: (args: string[]) => rosterCli(envFor(database), args) });
  const fixture = await fixtureOf(tested);
  const sqliteFixture = postgres ? await fixtureOf(sqlite) : fixture;
  buildNext({ distDir: DIST_DIR, reuse: values["skip-build"], env: { ...envFor(tested), ROSTER_BENCH_ROUTES: "1" } });

  // ---- the Roster production server(s) ----------------------------------------------------------
  const server = await startServer(tested, fixture, values.profile);
  const sqliteServer = postgres ? await startServer(sqlite, sqliteFixture) : null;
  const { port, pid: serverPid } = server;

  const single = (p: string) => singleLookups(server, p);
  let nextUser = 0;
  const deactivationBody = json({ active: false });
  const deactivation = (): RequestSpec | null => {
    const id = fixture.deactivationIds[nextUser++];
    return id ? { method: "PATCH", path: contractPath(deactivatePlatformUser, { uuid: id }), headers: auth(server), body: deactivationBody } : null;
  };
  const batchBodies: Buffer[] = [];
  for (let i = 0; i < 50; i += 1) {
    const start = (i * 397) % Math.max(1, fixture.emails.length - BATCH);
    batchBodies.push(lookupBody(fixture.emails.slice(start, start + BATCH)));
  }
  const batch = (i: number): RequestSpec => ({ method: "POST", path: LOOKUP_PATH, headers: auth(server), body: batchBodies[i % batchBodies.length] });

  const oneFound = (text: string) => (JSON.parse(text) as { identifiers: unknown[] }).identifiers.length === 1;
  await probe("bare route", port, single(BARE_PATH)(0), 200, (text) => text.includes('"ok":true'));
  await probe(`single lookup (${label})`, port, single(LOOKUP_PATH)(0), 200, oneFound);
  if (sqliteServer) await probe("single lookup (SQLite)", sqliteServer.port, singleLookups(sqliteServer)(0), 200, oneFound);
  await probe(
    `1,000-address lookup (${label})`,
    port,
    batch(0),
    200,
    (text) => (JSON.parse(text) as { identifiers: unknown[] }).identifiers.length === Math.min(BATCH, fixture.emails.length),
  );
  await probe(`deactivation (${label})`, port, deactivation()!, 204);

  const loads: Load[] = [
    { name: "bare", port, pid: serverPid, next: single(BARE_PATH), expectStatus: 200 },
    { name: "lookups", port, pid: serverPid, next: single(LOOKUP_PATH), expectStatus: 200 },
    ...(sqliteServer ? [{ name: "SQLite lookups", port: sqliteServer.port, pid: sqliteServer.pid, next: singleLookups(sqliteServer), expectStatus: 200 }] : []),
    { name: "deactivations", port, pid: serverPid, next: deactivation, expectStatus: 204 },
  ];
  log(`warm-up (${WARMUP_MS / 1000} s each, ${CONNECTIONS} connections):`);
  await interleaved(loads, { rounds: 1, durationMs: WARMUP_MS, connections: CONNECTIONS });
  await runLoad({ port, connections: 1, durationMs: WARMUP_MS, maxRequests: 50, next: batch, expectStatus: 200 });

  log(`measure (${ROUNDS} rounds of ${DURATION_MS / ROUNDS / 1000} s per endpoint, ${CONNECTIONS} connections):`);
  const measured = await interleaved(loads, { rounds: ROUNDS, durationMs: DURATION_MS, connections: CONNECTIONS });
  const bare = measured.get("bare") as Series;
  const lookups = measured.get("lookups") as Series;
  const sqliteLookups = measured.get("SQLite lookups");
  const deactivations = measured.get("deactivations") as Series;
  log(`measure: 1,000-address lookups (${label}), sequential (1 connection, at most 500 requests or ${DURATION_MS / 1000} s):`);
  const batchCpuBefore = cpuSeconds(serverPid);
  const batches = await runLoad({ port, connections: 1, durationMs: DURATION_MS, maxRequests: 500, next: batch, expectStatus: 200 });
  const batchCpuMs = batches.ok ? ((cpuSeconds(serverPid) - batchCpuBefore) / batches.ok) * 1000 : Number.NaN;
  log(
    `  ${batches.ok} ok, ${batches.errors} errors; p50 ${batches.p50.toFixed(2)} ms, p99 ${batches.p99.toFixed(2)} ms; server CPU ${batchCpuMs.toFixed(1)} ms/request`,
  );
  const memory = memoryMb(serverPid);
  log(`server (${label}): RSS ${memory.rss.toFixed(0)} MB after the run (peak ${memory.peak.toFixed(0)} MB)`);
  const serverErrors = [server, sqliteServer].flatMap((each) =>
    each
      ? each.managed
          .tail(200)
          .split("\n")
          .filter((line) => line.includes("failed"))
      : [],
  );
  await server.managed.stop();
  await sqliteServer?.managed.stop();
  if (values.profile) log(`profile: written to ${path.resolve(values.profile)} (the largest .cpuprofile is the server's)`);

  // ---- the plain node:http server on the same database (the machine's limit) ---------------------
  const plainPort = await freePort();
  const plainKind = postgres ? "node-postgres" : "better-sqlite3";
  const started = performance.now();
  const plain = startProcess(
    "plain-server",
    "npx",
    ["tsx", "bench/lib/plain-server.ts"],
    { ...process.env, PLAIN_DB: postgres ? tested.url : sqliteDatabaseFile(tested), PLAIN_TENANT: fixture.tenantId, PORT: String(plainPort) },
    values.verbose,
  );
  await waitForHttp(plain, plainPort, "/health", 60_000);
  log(`plain server (${plainKind}): up on 127.0.0.1:${plainPort} in ${seconds(started)}`);
  await probe("plain lookup", plainPort, single(LOOKUP_PATH)(0), 200, oneFound);
  const plainLoad: Load = { name: "plain lookups", port: plainPort, pid: listeningPid(plain, plainPort), next: single(LOOKUP_PATH), expectStatus: 200 };
  await interleaved([plainLoad], { rounds: 1, durationMs: WARMUP_MS, connections: CONNECTIONS });
  const plainLookups = (await interleaved([plainLoad], { rounds: ROUNDS, durationMs: DURATION_MS, connections: CONNECTIONS })).get(plainLoad.name) as Series;
  await plain.stop();

  // ---- report ----------------------------------------------------------------------------------
  const rps = (series: Series) => `${series.rps.toFixed(0)} req/s`;
  const cpu = (series: Series) => `${series.cpuPerRequestUs.toFixed(0)} µs`;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const against = (figure: string, series: Series, base: Series, baseName: string, minRatio: number | null): Row => {
    const ratio = medianRatio(series, base);
    return {
      figure,
      measured: rps(series),
      cpu: cpu(series),
      target: minRatio === null ? "for the record" : `≥ ${minRatio} × ${baseName}`,
      ratio: `${ratio.toFixed(2)}${minRatio === null ? ` (/ ${baseName})` : ""}`,
      cpuRatio: (base.cpuPerRequestUs / series.cpuPerRequestUs).toFixed(2),
      result: minRatio === null ? (series.errors ? "FAIL (errors)" : "-") : verdict(ratio >= minRatio, series.errors),
    };
  };
  const atMost = (figure: string, measured: string, value: number, limit: number | null, unit: string, errors = 0): Row =>
    limit === null
      ? { figure, measured, target: "for the record", ratio: "", result: errors ? "FAIL (errors)" : "-" }
      : { figure, measured, target: `≤ ${limit} ${unit}`, ratio: (value / limit).toFixed(2), result: verdict(value <= limit, errors) };
  const targets = postgres ? TARGETS.postgres : TARGETS.sqlite;
  const lookupRow = sqliteLookups
    ? against(`single-address lookups (${label})`, lookups, sqliteLookups, "SQLite lookups", TARGETS.postgres.lookupRatioToSqlite)
    : against(`single-address lookups (${label})`, lookups, bare, "bare", TARGETS.sqlite.lookupRatio);
  const rows: Row[] = [
    {
      figure: `bare Next route POST /api/bench/constant (${label} server)`,
      measured: rps(bare),
      cpu: cpu(bare),
      target: "baseline",
      ratio: "1.00",
      cpuRatio: "1.00",
      result: bare.errors ? "FAIL (errors)" : "-",
    },
    lookupRow,
    ...(sqliteLookups ? [against("single-address lookups (SQLite, same run: the yardstick)", sqliteLookups, bare, "bare", null)] : []),
    {
      figure: `plain node:http + ${plainKind} lookups (${label})`,
      measured: rps(plainLookups),
      cpu: cpu(plainLookups),
      target: "for the record",
      ratio: `${(lookups.rps / plainLookups.rps).toFixed(2)} (API/plain)`,
      cpuRatio: `${(plainLookups.cpuPerRequestUs / lookups.cpuPerRequestUs).toFixed(2)} (API/plain)`,
      result: plainLookups.errors ? "FAIL (errors)" : "-",
    },
    against(`deactivations (PATCH, distinct users) (${label})`, deactivations, bare, "bare", targets.deactivationRatio),
    {
      ...atMost(`1,000-address lookup p50 (${batches.ok} sequential) (${label})`, ms(batches.p50), batches.p50, targets.batchP50Ms, "ms", batches.errors),
      cpu: ms(batchCpuMs),
    },
    atMost(`1,000-address lookup p99 (${label})`, ms(batches.p99), batches.p99, targets.batchP99Ms, "ms", batches.errors),
    atMost(`server RSS after the run (${label})`, `${memory.rss.toFixed(0)} MB (peak ${memory.peak.toFixed(0)} MB)`, memory.rss, targets.rssMb, "MB"),
  ];

  console.log("");
  console.log(
    `API benchmark on ${label}: ${USERS.toLocaleString("en-US")} users, ${CONNECTIONS} keep-alive connections, ${DURATION_MS / 1000} s per figure, ${machine()}`,
  );
  console.log("");
  printTable(COLUMNS, rows);
  console.log("");
  const latency = (name: string, series: Series) => `${name} ${series.p50.toFixed(1)} / ${series.p99.toFixed(1)} ms`;
  console.log(
    `latency under load (p50 / p99): ${[
      latency("bare", bare),
      latency(`lookups (${label})`, lookups),
      ...(sqliteLookups ? [latency("lookups (SQLite)", sqliteLookups)] : []),
      latency("deactivations", deactivations),
      latency("plain", plainLookups),
    ].join(", ")}`,
  );
  const perRound = (series: Series) => series.rounds.map((round) => round.rps.toFixed(0)).join(" ");
  console.log(
    `per-round req/s: bare ${perRound(bare)}; lookups ${perRound(lookups)}; ${sqliteLookups ? `SQLite lookups ${perRound(sqliteLookups)}; ` : ""}` +
      `deactivations ${perRound(deactivations)}; plain ${perRound(plainLookups)}`,
  );
  if (sqliteLookups) {
    console.log(
      `PostgreSQL lookups / bare: ${medianRatio(lookups, bare).toFixed(2)} (SQLite's target is ≥ ${TARGETS.sqlite.lookupRatio}); ` +
        "the SQLite yardstick is a second production server on a SQLite file seeded the same way, loaded in the same rounds",
    );
  }
  console.log(
    "ratio: median over rounds of endpoint / bare (or / SQLite lookups) req/s in the same round (the verdict); CPU-time ratio: baseline / endpoint server CPU per request " +
      "(user+system of the server process from /proc, all threads), which other processes' load hardly moves" +
      (postgres ? "; on PostgreSQL the database's own backends' CPU is not in it" : ""),
  );
  console.log(`whole run ${seconds(runStarted)}`);
  if (serverErrors.length) console.log(`server logged ${serverErrors.length} failure line(s), e.g.: ${serverErrors[0]}`);
}

/** A SQLite BenchDatabase's file. */
function sqliteDatabaseFile(database: BenchDatabase): string {
  return database.url.slice("file:".length);
}

void bench.run(main);
