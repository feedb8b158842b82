/**
 * API throughput and latency on a seeded database, against the production server
 * (server/start.ts on a `next build`), compared in the same run with a bare Next.js route
 * (app/api/bench/constant) and with a plain node:http + better-sqlite3 server (the machine's
 * limit). Prints figures, targets and ratios; a report, so it exits 0 unless something crashed.
 *
 *   npm run bench:api [-- --users 50000] [--skip-build] [--duration 10] [--rounds 5] [--connections 16]
 *                     [--profile DIR]   (V8 CPU profile of the Roster server, written to DIR)
 *
 * Throughputs are measured interleaved: `rounds` rounds of duration/rounds seconds per endpoint,
 * the order rotating each round, so that a shared machine's background load hits every endpoint
 * alike; a ratio is the median of the per-round ratios. The server's CPU time per request
 * (from /proc) is printed beside each throughput: it hardly depends on other processes' load.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { runLoad, type LoadResult, type RequestSpec } from "./lib/load";
import { cpuSeconds, freePort, listeningPid, memoryMb, startProcess, stopAll, waitForHttp, type Managed } from "./lib/processes";
import { median, percentile } from "./lib/stats";
import { deactivatePlatformUser, lookupUserIds } from "@/lib/api/endpoints/mendix";
import { health } from "@/lib/api/endpoints/service";
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
  },
});
const USERS = Number(values.users);
const DURATION_MS = Number(values.duration) * 1000;
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const WARMUP_MS = 3000;
const DIST_DIR = ".next-bench";
const SCOPES = "mx:mxid3:user-identifiers:uuid:read,mx:user-deactivation:write";
// lib/env.ts accepts at most 10,000,000 requests per window: far more than a run sends.
const RATE_LIMIT_REQUESTS = "10000000";
const LOOKUP_PATH = lookupUserIds.path;
const BARE_PATH = "/api/bench/constant";
const BATCH = 1000;
const TARGETS = { lookupRatio: 0.8, deactivationRatio: 0.6, batchP50Ms: 15, batchP99Ms: 40, rssMb: 300 };

for (const [name, value] of [["--users", USERS], ["--duration", DURATION_MS], ["--connections", CONNECTIONS], ["--rounds", ROUNDS]] as const) {
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`bench:api: ${name} must be a positive integer`);
    process.exit(2);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-bench-api-"));
const dbFile = path.join(dir, "roster.db");
// NODE_OPTIONS passes through to the servers, e.g. to try V8 heap flags against the RSS target.
const baseEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${dbFile}` };

let cleaning: Promise<void> | null = null;
let interrupted = false;
function cleanup(): Promise<void> {
  cleaning ??= stopAll().finally(() => fs.rmSync(dir, { recursive: true, force: true }));
  return cleaning;
}
// `on`, not `once`: npm and tsx relay a Ctrl-C a second time, which must not cut the clean-up short.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!interrupted) console.error(`\nbench:api: ${signal}, stopping servers and removing ${dir}`);
    interrupted = true;
    void cleanup().finally(() => process.exit(130));
  });
}

const log = (line: string) => console.error(line);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function cli(args: string[]): Record<string, unknown> {
  let output: string;
  try {
    output = execFileSync("npx", ["tsx", "lib/cli/main.ts", ...args, "--json"], { env: baseEnv, encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`roster ${args.slice(0, 2).join(" ")} failed: ${failed.stdout ?? ""}${failed.stderr ?? ""}`);
  }
  const result = JSON.parse(output) as Record<string, unknown>;
  if (result.ok !== true) throw new Error(`roster ${args.slice(0, 2).join(" ")} failed: ${output}`);
  return result;
}

function build(): void {
  const buildId = path.join(process.cwd(), DIST_DIR, "BUILD_ID");
  if (values["skip-build"] && fs.existsSync(buildId)) {
    log(`build: --skip-build, using ${DIST_DIR} (built ${fs.statSync(buildId).mtime.toISOString()})`);
    return;
  }
  const started = performance.now();
  log(`build: ROSTER_DIST_DIR=${DIST_DIR} next build ...`);
  try {
    execFileSync("npx", ["next", "build"], {
      env: { ...baseEnv, NODE_ENV: "production", ROSTER_DIST_DIR: DIST_DIR, ROSTER_BENCH_ROUTES: "1", NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
  }
  log(`build: done in ${seconds(started)}`);
}

type Fixture = { tenantId: string; token: string; emails: string[]; deactivationIds: string[] };

function prepareDatabase(): Fixture {
  let started = performance.now();
  log(`seed: ${USERS.toLocaleString("en-US")} users into ${dbFile} ...`);
  const seeded = cli(["seed", "--users", String(USERS)]);
  const tenantId = String(seeded.tenantId);
  log(`seed: done in ${seconds(started)} (tenant ${tenantId})`);

  const adminEmail = "bench.admin@bench.example";
  const admin = cli(["admin", "create", "--tenant", tenantId, "--email", adminEmail, "--role", "admin"]);
  const issued = cli(["token", "create", "--tenant", tenantId, "--admin", adminEmail, "--scopes", SCOPES, "--name", "bench:api"]);

  started = performance.now();
  const db = new Database(dbFile, { readonly: true });
  try {
    const emails = db.prepare("select email from users where tenant_id = ? order by random() limit 20000").pluck().all(tenantId) as string[];
    // Distinct active users, never the token's owner (self-deactivation is refused).
    const pool = Math.min(200_000, USERS);
    const deactivationIds = db
      .prepare("select id from users where tenant_id = ? and active = 1 and id <> ? order by random() limit ?")
      .pluck()
      .all(tenantId, String(admin.userId), pool) as string[];
    log(`fixtures: ${emails.length.toLocaleString("en-US")} emails, ${deactivationIds.length.toLocaleString("en-US")} active users to deactivate (${seconds(started)})`);
    return { tenantId, token: String(issued.token), emails, deactivationIds };
  } finally {
    db.close();
  }
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

const lookupBody = (emails: readonly string[]) => json({ emailAddresses: emails.map((emailAddress) => ({ emailAddress })) });

function headers(token: string | null): Record<string, string> {
  const result: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (token) result.authorization = `MxToken ${token}`;
  return result;
}

type Load = { name: string; port: number; pid: number; next: (i: number) => RequestSpec | null; expectStatus: number };

/** One endpoint's figures over every round. */
type Series = {
  name: string;
  rounds: LoadResult[];
  ok: number;
  errors: number;
  rps: number;
  /** Server CPU time (user + system) per successful request, in microseconds. */
  cpuPerRequestUs: number;
  p50: number;
  p99: number;
  firstError: string | null;
};

function summarize(name: string, rounds: LoadResult[], cpu: number): Series {
  const ok = rounds.reduce((sum, round) => sum + round.ok, 0);
  const latencies = rounds.flatMap((round) => round.latenciesMs);
  return {
    name,
    rounds,
    ok,
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    rps: ok / rounds.reduce((sum, round) => sum + round.seconds, 0),
    cpuPerRequestUs: ok ? (cpu / ok) * 1e6 : Number.NaN,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    firstError: rounds.find((round) => round.firstError)?.firstError ?? null,
  };
}

/**
 * Loads each endpoint for `durationMs / rounds` per round, `rounds` times, rotating which goes
 * first; keep-alive connections, `CONNECTIONS` at a time.
 */
async function interleaved(loads: Load[], rounds: number, durationMs: number): Promise<Map<string, Series>> {
  const results = new Map(loads.map((load) => [load.name, [] as LoadResult[]]));
  const cpu = new Map(loads.map((load) => [load.name, 0]));
  for (let round = 0; round < rounds; round += 1) {
    const line: string[] = [];
    for (let k = 0; k < loads.length; k += 1) {
      const load = loads[(round + k) % loads.length] as Load;
      const cpuBefore = cpuSeconds(load.pid);
      const result = await runLoad({ port: load.port, connections: CONNECTIONS, durationMs: durationMs / rounds, maxRequests: 10_000_000, next: load.next, expectStatus: load.expectStatus });
      cpu.set(load.name, (cpu.get(load.name) as number) + cpuSeconds(load.pid) - cpuBefore);
      results.get(load.name)?.push(result);
      line.push(`${load.name} ${result.rps.toFixed(0)}${result.errors ? ` (${result.errors} errors)` : ""}`);
    }
    log(`  round ${round + 1}/${rounds}: ${line.join(", ")} req/s`);
  }
  const series = new Map<string, Series>();
  for (const load of loads) {
    const summary = summarize(load.name, results.get(load.name) as LoadResult[], cpu.get(load.name) as number);
    if (summary.firstError) log(`  ${load.name}: first error: ${summary.firstError}`);
    series.set(load.name, summary);
  }
  return series;
}

/** The median over rounds of a/b, each round's figures taken from the same round. */
function medianRatio(a: Series, b: Series): number {
  return median(a.rounds.map((round, i) => round.rps / ((b.rounds[i] as LoadResult).rps || Number.NaN)));
}

/** Checks that a request answers as expected before it is measured. */
async function probe(label: string, port: number, spec: RequestSpec, expectStatus: number, check?: (body: string) => boolean): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}${spec.path}`, {
    method: spec.method,
    headers: spec.headers,
    body: spec.body ? new Uint8Array(spec.body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== expectStatus || (check && !check(text))) {
    throw new Error(`${label}: ${spec.method} ${spec.path} answered ${response.status} ${text.slice(0, 300)}`);
  }
}

type Row = { figure: string; measured: string; cpu?: string; target: string; ratio: string; cpuRatio?: string; result: string };

function verdict(pass: boolean, errors: number): string {
  if (errors > 0) return "FAIL (errors)";
  return pass ? "PASS" : "FAIL";
}

const COLUMNS: [keyof Row, string][] = [
  ["figure", "figure"],
  ["measured", "measured"],
  ["cpu", "server CPU/request"],
  ["target", "target"],
  ["ratio", "ratio"],
  ["cpuRatio", "CPU-time ratio"],
  ["result", "result"],
];

function printTable(rows: Row[]): void {
  const cells = (row: Row) => COLUMNS.map(([key]) => row[key] ?? "");
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((row) => (row[key] ?? "").length)));
  const line = (values: string[]) => `| ${values.map((value, i) => value.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(line(COLUMNS.map(([, title]) => title)));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(cells(row)));
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const fixture = prepareDatabase();
  build();

  // ---- the Roster production server ----------------------------------------------------------
  const port = await freePort();
  const serverEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    ROSTER_DIST_DIR: DIST_DIR,
    ROSTER_BENCH_ROUTES: "1",
    RATE_LIMIT_REQUESTS,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  // --cpu-prof is refused in NODE_OPTIONS, so a profiled server is node with tsx's loader (one process).
  const [command, args] = values.profile
    ? [process.execPath, ["--cpu-prof", `--cpu-prof-dir=${path.resolve(values.profile)}`, "--import", "tsx", "server/start.ts"]]
    : ["npm", ["start"]];
  if (values.profile) fs.mkdirSync(values.profile, { recursive: true });
  let started = performance.now();
  const server: Managed = startProcess("roster", command, args, serverEnv, values.verbose);
  await waitForHttp(server, port, health.path, 180_000);
  const serverPid = listeningPid(server, port);
  log(`server: up on 127.0.0.1:${port} in ${seconds(started)} (pid ${serverPid}, RSS ${memoryMb(serverPid).rss.toFixed(0)} MB)`);

  const auth = headers(fixture.token);
  const singleBodies = fixture.emails.map((email) => lookupBody([email]));
  const single = (p: string) => (i: number): RequestSpec => ({ method: "POST", path: p, headers: auth, body: singleBodies[i % singleBodies.length] });
  let nextUser = 0;
  const deactivationBody = json({ active: false });
  const deactivation = (): RequestSpec | null => {
    const id = fixture.deactivationIds[nextUser++];
    return id ? { method: "PATCH", path: contractPath(deactivatePlatformUser, { uuid: id }), headers: auth, body: deactivationBody } : null;
  };
  const batchBodies: Buffer[] = [];
  for (let i = 0; i < 50; i += 1) {
    const start = (i * 397) % Math.max(1, fixture.emails.length - BATCH);
    batchBodies.push(lookupBody(fixture.emails.slice(start, start + BATCH)));
  }
  const batch = (i: number): RequestSpec => ({ method: "POST", path: LOOKUP_PATH, headers: auth, body: batchBodies[i % batchBodies.length] });

  await probe("bare route", port, single(BARE_PATH)(0), 200, (text) => text.includes('"ok":true'));
  await probe("single lookup", port, single(LOOKUP_PATH)(0), 200, (text) => (JSON.parse(text) as { identifiers: unknown[] }).identifiers.length === 1);
  await probe("1,000-address lookup", port, batch(0), 200, (text) => (JSON.parse(text) as { identifiers: unknown[] }).identifiers.length === Math.min(BATCH, fixture.emails.length));
  await probe("deactivation", port, deactivation()!, 204);

  const loads: Load[] = [
    { name: "bare", port, pid: serverPid, next: single(BARE_PATH), expectStatus: 200 },
    { name: "lookups", port, pid: serverPid, next: single(LOOKUP_PATH), expectStatus: 200 },
    { name: "deactivations", port, pid: serverPid, next: deactivation, expectStatus: 204 },
  ];
  log(`warm-up (${WARMUP_MS / 1000} s each, ${CONNECTIONS} connections):`);
  await interleaved(loads, 1, WARMUP_MS);
  await runLoad({ port, connections: 1, durationMs: WARMUP_MS, maxRequests: 50, next: batch, expectStatus: 200 });

  log(`measure (${ROUNDS} rounds of ${DURATION_MS / ROUNDS / 1000} s per endpoint, ${CONNECTIONS} connections):`);
  const measured = await interleaved(loads, ROUNDS, DURATION_MS);
  const bare = measured.get("bare") as Series;
  const lookups = measured.get("lookups") as Series;
  const deactivations = measured.get("deactivations") as Series;
  log(`measure: 1,000-address lookups, sequential (1 connection, at most 500 requests or ${DURATION_MS / 1000} s):`);
  const batchCpuBefore = cpuSeconds(serverPid);
  const batches = await runLoad({ port, connections: 1, durationMs: DURATION_MS, maxRequests: 500, next: batch, expectStatus: 200 });
  const batchCpuMs = batches.ok ? ((cpuSeconds(serverPid) - batchCpuBefore) / batches.ok) * 1000 : Number.NaN;
  log(`  ${batches.ok} ok, ${batches.errors} errors; p50 ${batches.p50.toFixed(2)} ms, p99 ${batches.p99.toFixed(2)} ms; server CPU ${batchCpuMs.toFixed(1)} ms/request`);
  const memory = memoryMb(serverPid);
  log(`server: RSS ${memory.rss.toFixed(0)} MB after the run (peak ${memory.peak.toFixed(0)} MB)`);
  const serverErrors = server.tail(200).split("\n").filter((line) => line.includes("failed"));
  await server.stop();
  if (values.profile) log(`profile: written to ${path.resolve(values.profile)} (the largest .cpuprofile is the server's)`);

  // ---- the plain node:http + better-sqlite3 server (the machine's limit) -----------------------
  const plainPort = await freePort();
  started = performance.now();
  const plain = startProcess("plain-server", "npx", ["tsx", "bench/lib/plain-server.ts"], { ...baseEnv, PLAIN_DB: dbFile, PLAIN_TENANT: fixture.tenantId, PORT: String(plainPort) }, values.verbose);
  await waitForHttp(plain, plainPort, "/health", 60_000);
  log(`plain server: up on 127.0.0.1:${plainPort} in ${seconds(started)}`);
  await probe("plain lookup", plainPort, single(LOOKUP_PATH)(0), 200, (text) => (JSON.parse(text) as { identifiers: unknown[] }).identifiers.length === 1);
  const plainLoad: Load = { name: "plain lookups", port: plainPort, pid: listeningPid(plain, plainPort), next: single(LOOKUP_PATH), expectStatus: 200 };
  await interleaved([plainLoad], 1, WARMUP_MS);
  const plainLookups = (await interleaved([plainLoad], ROUNDS, DURATION_MS)).get(plainLoad.name) as Series;
  await plain.stop();

  // ---- report ----------------------------------------------------------------------------------
  const lookupRatio = medianRatio(lookups, bare);
  const deactivationRatio = medianRatio(deactivations, bare);
  const rps = (series: Series) => `${series.rps.toFixed(0)} req/s`;
  const cpu = (series: Series) => `${series.cpuPerRequestUs.toFixed(0)} µs`;
  const cpuRatio = (series: Series) => (bare.cpuPerRequestUs / series.cpuPerRequestUs).toFixed(2);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rows: Row[] = [
    { figure: "bare Next route POST /api/bench/constant", measured: rps(bare), cpu: cpu(bare), target: "baseline", ratio: "1.00", cpuRatio: "1.00", result: bare.errors ? "FAIL (errors)" : "-" },
    {
      figure: "single-address lookups",
      measured: rps(lookups),
      cpu: cpu(lookups),
      target: `≥ ${TARGETS.lookupRatio} × bare`,
      ratio: lookupRatio.toFixed(2),
      cpuRatio: cpuRatio(lookups),
      result: verdict(lookupRatio >= TARGETS.lookupRatio, lookups.errors),
    },
    {
      figure: "plain node:http + better-sqlite3 lookups",
      measured: rps(plainLookups),
      cpu: cpu(plainLookups),
      target: "for the record",
      ratio: `${(lookups.rps / plainLookups.rps).toFixed(2)} (API/plain)`,
      cpuRatio: `${(plainLookups.cpuPerRequestUs / lookups.cpuPerRequestUs).toFixed(2)} (API/plain)`,
      result: plainLookups.errors ? "FAIL (errors)" : "-",
    },
    {
      figure: "deactivations (PATCH, distinct users)",
      measured: rps(deactivations),
      cpu: cpu(deactivations),
      target: `≥ ${TARGETS.deactivationRatio} × bare`,
      ratio: deactivationRatio.toFixed(2),
      cpuRatio: cpuRatio(deactivations),
      result: verdict(deactivationRatio >= TARGETS.deactivationRatio, deactivations.errors),
    },
    {
      figure: `1,000-address lookup p50 (${batches.ok} sequential)`,
      measured: ms(batches.p50),
      cpu: ms(batchCpuMs),
      target: `≤ ${TARGETS.batchP50Ms} ms`,
      ratio: (batches.p50 / TARGETS.batchP50Ms).toFixed(2),
      result: verdict(batches.p50 <= TARGETS.batchP50Ms, batches.errors),
    },
    {
      figure: "1,000-address lookup p99",
      measured: ms(batches.p99),
      target: `≤ ${TARGETS.batchP99Ms} ms`,
      ratio: (batches.p99 / TARGETS.batchP99Ms).toFixed(2),
      result: verdict(batches.p99 <= TARGETS.batchP99Ms, batches.errors),
    },
    {
      figure: "server RSS after the run",
      measured: `${memory.rss.toFixed(0)} MB (peak ${memory.peak.toFixed(0)} MB)`,
      target: `≤ ${TARGETS.rssMb} MB`,
      ratio: (memory.rss / TARGETS.rssMb).toFixed(2),
      result: verdict(memory.rss <= TARGETS.rssMb, 0),
    },
  ];

  console.log("");
  console.log(
    `API benchmark: ${USERS.toLocaleString("en-US")} users, ${CONNECTIONS} keep-alive connections, ${DURATION_MS / 1000} s per figure, ` +
      `node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((value) => value.toFixed(2)).join(" ")}`,
  );
  console.log("");
  printTable(rows);
  console.log("");
  console.log(
    `latency under load (p50 / p99): bare ${bare.p50.toFixed(1)} / ${bare.p99.toFixed(1)} ms, lookups ${lookups.p50.toFixed(1)} / ${lookups.p99.toFixed(1)} ms, ` +
      `deactivations ${deactivations.p50.toFixed(1)} / ${deactivations.p99.toFixed(1)} ms, plain ${plainLookups.p50.toFixed(1)} / ${plainLookups.p99.toFixed(1)} ms`,
  );
  const perRound = (series: Series) => series.rounds.map((round) => round.rps.toFixed(0)).join(" ");
  console.log(`per-round req/s: bare ${perRound(bare)}; lookups ${perRound(lookups)}; deactivations ${perRound(deactivations)}; plain ${perRound(plainLookups)}`);
  console.log(
    "ratio: median over rounds of endpoint / bare req/s in the same round (the verdict); CPU-time ratio: bare / endpoint server CPU per request " +
      "(user+system of the server process from /proc, all threads), which other processes' load hardly moves",
  );
  console.log(`whole run ${seconds(runStarted)}`);
  if (serverErrors.length) console.log(`server logged ${serverErrors.length} failure line(s), e.g.: ${serverErrors[0]}`);
}

main()
  .then(() => cleanup())
  .catch(async (error: unknown) => {
    // After Ctrl-C the run fails as its servers go away: that is no crash worth reporting.
    if (!interrupted) console.error("bench:api failed:", error instanceof Error ? error.message : error);
    await cleanup();
    process.exit(interrupted ? 130 : 1);
  });
