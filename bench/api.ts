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
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { prepareApiFixture } from "./lib/api-fixture";
import { runLoad, type RequestSpec } from "./lib/load";
import { cpuSeconds, freePort, listeningPid, memoryMb, startProcess, waitForHttp, type Managed } from "./lib/processes";
import { buildNext, rosterCli } from "./lib/roster";
import { benchRun, log, machine, requireCounts, seconds } from "./lib/run";
import { interleaved, medianRatio, probe, type Load, type Series } from "./lib/series";
import { printTable, verdict } from "./lib/table";
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

requireCounts("api", { "--users": USERS, "--duration": DURATION_MS, "--connections": CONNECTIONS, "--rounds": ROUNDS });

const bench = benchRun("api");
const dbFile = path.join(bench.dir, "roster.db");
// NODE_OPTIONS passes through to the servers, e.g. to try V8 heap flags against the RSS target.
const baseEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${dbFile}` };
const cli = (args: string[]) => rosterCli(baseEnv, args);

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

async function main(): Promise<void> {
  const runStarted = performance.now();
  const fixture = prepareApiFixture({ dbFile, users: USERS, scopes: SCOPES, cli });
  buildNext({ distDir: DIST_DIR, reuse: values["skip-build"], env: { ...baseEnv, ROSTER_BENCH_ROUTES: "1" } });

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
  const single =
    (p: string) =>
    (i: number): RequestSpec => ({ method: "POST", path: p, headers: auth, body: singleBodies[i % singleBodies.length] });
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
  await probe(
    "1,000-address lookup",
    port,
    batch(0),
    200,
    (text) => (JSON.parse(text) as { identifiers: unknown[] }).identifiers.length === Math.min(BATCH, fixture.emails.length),
  );
  await probe("deactivation", port, deactivation()!, 204);

  const loads: Load[] = [
    { name: "bare", port, pid: serverPid, next: single(BARE_PATH), expectStatus: 200 },
    { name: "lookups", port, pid: serverPid, next: single(LOOKUP_PATH), expectStatus: 200 },
    { name: "deactivations", port, pid: serverPid, next: deactivation, expectStatus: 204 },
  ];
  log(`warm-up (${WARMUP_MS / 1000} s each, ${CONNECTIONS} connections):`);
  await interleaved(loads, { rounds: 1, durationMs: WARMUP_MS, connections: CONNECTIONS });
  await runLoad({ port, connections: 1, durationMs: WARMUP_MS, maxRequests: 50, next: batch, expectStatus: 200 });

  log(`measure (${ROUNDS} rounds of ${DURATION_MS / ROUNDS / 1000} s per endpoint, ${CONNECTIONS} connections):`);
  const measured = await interleaved(loads, { rounds: ROUNDS, durationMs: DURATION_MS, connections: CONNECTIONS });
  const bare = measured.get("bare") as Series;
  const lookups = measured.get("lookups") as Series;
  const deactivations = measured.get("deactivations") as Series;
  log(`measure: 1,000-address lookups, sequential (1 connection, at most 500 requests or ${DURATION_MS / 1000} s):`);
  const batchCpuBefore = cpuSeconds(serverPid);
  const batches = await runLoad({ port, connections: 1, durationMs: DURATION_MS, maxRequests: 500, next: batch, expectStatus: 200 });
  const batchCpuMs = batches.ok ? ((cpuSeconds(serverPid) - batchCpuBefore) / batches.ok) * 1000 : Number.NaN;
  log(
    `  ${batches.ok} ok, ${batches.errors} errors; p50 ${batches.p50.toFixed(2)} ms, p99 ${batches.p99.toFixed(2)} ms; server CPU ${batchCpuMs.toFixed(1)} ms/request`,
  );
  const memory = memoryMb(serverPid);
  log(`server: RSS ${memory.rss.toFixed(0)} MB after the run (peak ${memory.peak.toFixed(0)} MB)`);
  const serverErrors = server
    .tail(200)
    .split("\n")
    .filter((line) => line.includes("failed"));
  await server.stop();
  if (values.profile) log(`profile: written to ${path.resolve(values.profile)} (the largest .cpuprofile is the server's)`);

  // ---- the plain node:http + better-sqlite3 server (the machine's limit) -----------------------
  const plainPort = await freePort();
  started = performance.now();
  const plain = startProcess(
    "plain-server",
    "npx",
    ["tsx", "bench/lib/plain-server.ts"],
    { ...baseEnv, PLAIN_DB: dbFile, PLAIN_TENANT: fixture.tenantId, PORT: String(plainPort) },
    values.verbose,
  );
  await waitForHttp(plain, plainPort, "/health", 60_000);
  log(`plain server: up on 127.0.0.1:${plainPort} in ${seconds(started)}`);
  await probe("plain lookup", plainPort, single(LOOKUP_PATH)(0), 200, (text) => (JSON.parse(text) as { identifiers: unknown[] }).identifiers.length === 1);
  const plainLoad: Load = { name: "plain lookups", port: plainPort, pid: listeningPid(plain, plainPort), next: single(LOOKUP_PATH), expectStatus: 200 };
  await interleaved([plainLoad], { rounds: 1, durationMs: WARMUP_MS, connections: CONNECTIONS });
  const plainLookups = (await interleaved([plainLoad], { rounds: ROUNDS, durationMs: DURATION_MS, connections: CONNECTIONS })).get(plainLoad.name) as Series;
  await plain.stop();

  // ---- report ----------------------------------------------------------------------------------
  const rps = (series: Series) => `${series.rps.toFixed(0)} req/s`;
  const cpu = (series: Series) => `${series.cpuPerRequestUs.toFixed(0)} µs`;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const againstBare = (figure: string, series: Series, minRatio: number): Row => {
    const ratio = medianRatio(series, bare);
    const cpuRatio = (bare.cpuPerRequestUs / series.cpuPerRequestUs).toFixed(2);
    return {
      figure,
      measured: rps(series),
      cpu: cpu(series),
      target: `≥ ${minRatio} × bare`,
      ratio: ratio.toFixed(2),
      cpuRatio,
      result: verdict(ratio >= minRatio, series.errors),
    };
  };
  const atMost = (figure: string, measured: string, value: number, limit: number, unit: string, errors = 0): Row => ({
    figure,
    measured,
    target: `≤ ${limit} ${unit}`,
    ratio: (value / limit).toFixed(2),
    result: verdict(value <= limit, errors),
  });
  const rows: Row[] = [
    {
      figure: "bare Next route POST /api/bench/constant",
      measured: rps(bare),
      cpu: cpu(bare),
      target: "baseline",
      ratio: "1.00",
      cpuRatio: "1.00",
      result: bare.errors ? "FAIL (errors)" : "-",
    },
    againstBare("single-address lookups", lookups, TARGETS.lookupRatio),
    {
      figure: "plain node:http + better-sqlite3 lookups",
      measured: rps(plainLookups),
      cpu: cpu(plainLookups),
      target: "for the record",
      ratio: `${(lookups.rps / plainLookups.rps).toFixed(2)} (API/plain)`,
      cpuRatio: `${(plainLookups.cpuPerRequestUs / lookups.cpuPerRequestUs).toFixed(2)} (API/plain)`,
      result: plainLookups.errors ? "FAIL (errors)" : "-",
    },
    againstBare("deactivations (PATCH, distinct users)", deactivations, TARGETS.deactivationRatio),
    {
      ...atMost(`1,000-address lookup p50 (${batches.ok} sequential)`, ms(batches.p50), batches.p50, TARGETS.batchP50Ms, "ms", batches.errors),
      cpu: ms(batchCpuMs),
    },
    atMost("1,000-address lookup p99", ms(batches.p99), batches.p99, TARGETS.batchP99Ms, "ms", batches.errors),
    atMost("server RSS after the run", `${memory.rss.toFixed(0)} MB (peak ${memory.peak.toFixed(0)} MB)`, memory.rss, TARGETS.rssMb, "MB"),
  ];

  console.log("");
  console.log(`API benchmark: ${USERS.toLocaleString("en-US")} users, ${CONNECTIONS} keep-alive connections, ${DURATION_MS / 1000} s per figure, ${machine()}`);
  console.log("");
  printTable(COLUMNS, rows);
  console.log("");
  console.log(
    `latency under load (p50 / p99): bare ${bare.p50.toFixed(1)} / ${bare.p99.toFixed(1)} ms, lookups ${lookups.p50.toFixed(1)} / ${lookups.p99.toFixed(1)} ms, ` +
      `deactivations ${deactivations.p50.toFixed(1)} / ${deactivations.p99.toFixed(1)} ms, plain ${plainLookups.p50.toFixed(1)} / ${plainLookups.p99.toFixed(1)} ms`,
  );
  const perRound = (series: Series) => series.rounds.map((round) => round.rps.toFixed(0)).join(" ");
  console.log(
    `per-round req/s: bare ${perRound(bare)}; lookups ${perRound(lookups)}; deactivations ${perRound(deactivations)}; plain ${perRound(plainLookups)}`,
  );
  console.log(
    "ratio: median over rounds of endpoint / bare req/s in the same round (the verdict); CPU-time ratio: bare / endpoint server CPU per request " +
      "(user+system of the server process from /proc, all threads), which other processes' load hardly moves",
  );
  console.log(`whole run ${seconds(runStarted)}`);
  if (serverErrors.length) console.log(`server logged ${serverErrors.length} failure line(s), e.g.: ${serverErrors[0]}`);
}

void bench.run(main);
