import type { RequestSpec } from "./load";
import { cpuSeconds } from "./processes";
import { log } from "./run";
import { median } from "./stats";
import { runWrk, type WrkResult } from "./wrk";

/**
 * An endpoint to load: where it listens, which process serves it, and its i-th request (null
 * when there are no more). `once`: each request at most once over the whole run (deactivations
 * of distinct users); otherwise the requests repeat.
 */
export type Load = { name: string; port: number; pid: number; next: (i: number) => RequestSpec | null; once?: boolean };

/** One endpoint's figures over every round. */
export type Series = {
  name: string;
  rounds: WrkResult[];
  ok: number;
  errors: number;
  rps: number;
  /** Server CPU time (user + system) per successful request, in microseconds. */
  cpuPerRequestUs: number;
  /** The load client's CPU time per successful request, in microseconds. */
  clientCpuPerRequestUs: number;
  /** The median round's p50 and the worst round's p99 (wrk reports percentiles per run, not its samples). */
  p50: number;
  p99: number;
  firstError: string | null;
};

// Enough distinct requests for a round, and repeating ones to vary the data read; wrk holds them
// all in memory, so large bodies (1,000-address lookups) stop the list early.
const ONCE_PER_ROUND = 100_000;
const CYCLE = 20_000;
const MAX_BYTES = 16 << 20;

function summarize(name: string, rounds: WrkResult[], cpu: number): Series {
  const ok = rounds.reduce((sum, round) => sum + round.ok, 0);
  const clientCpu = rounds.reduce((sum, round) => sum + round.clientCpuSeconds, 0);
  return {
    name,
    rounds,
    ok,
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    rps: ok / rounds.reduce((sum, round) => sum + round.seconds, 0),
    cpuPerRequestUs: ok ? (cpu / ok) * 1e6 : Number.NaN,
    clientCpuPerRequestUs: ok ? (clientCpu / ok) * 1e6 : Number.NaN,
    p50: median(rounds.map((round) => round.p50)),
    p99: Math.max(...rounds.map((round) => round.p99)),
    firstError: rounds.find((round) => round.firstError)?.firstError ?? null,
  };
}

/** Where each load's requests have got to, so that a `once` load never repeats one across calls. */
const offsets = new Map<Load["next"], number>();

/** One wrk run of a load: `seconds` long, `connections` keep-alive connections, and the load's server CPU meanwhile. */
export async function loadOnce(load: Load, seconds: number, connections: number): Promise<{ result: WrkResult; cpu: number }> {
  const offset = offsets.get(load.next) ?? 0;
  const requests: RequestSpec[] = [];
  let bytes = 0;
  for (let i = offset; i < offset + (load.once ? ONCE_PER_ROUND : CYCLE) && bytes < MAX_BYTES; i += 1) {
    const spec = load.next(i);
    if (!spec) break;
    requests.push(spec);
    bytes += spec.path.length + (spec.body?.length ?? 0);
  }
  if (requests.length === 0) throw new Error(`${load.name}: no requests left`);
  const cpuBefore = cpuSeconds(load.pid);
  const result = await runWrk({ port: load.port, connections, durationSeconds: seconds, requests, once: load.once ?? false });
  offsets.set(load.next, offset + (load.once ? result.sent : 0));
  return { result, cpu: cpuSeconds(load.pid) - cpuBefore };
}

/**
 * Loads each endpoint for `roundSeconds`, `rounds` times, rotating which goes first, so that a
 * shared machine's background load hits every endpoint alike.
 */
export async function interleaved(loads: Load[], options: { rounds: number; roundSeconds: number; connections: number }): Promise<Map<string, Series>> {
  const { rounds, roundSeconds, connections } = options;
  const results = new Map(loads.map((load) => [load.name, [] as WrkResult[]]));
  const cpu = new Map(loads.map((load) => [load.name, 0]));
  for (let round = 0; round < rounds; round += 1) {
    const line: string[] = [];
    for (let k = 0; k < loads.length; k += 1) {
      const load = loads[(round + k) % loads.length] as Load;
      const { result, cpu: used } = await loadOnce(load, roundSeconds, connections);
      cpu.set(load.name, (cpu.get(load.name) as number) + used);
      results.get(load.name)?.push(result);
      line.push(`${load.name} ${result.rps.toFixed(0)}${result.errors ? ` (${result.errors} errors)` : ""}`);
    }
    log(`  round ${round + 1}/${rounds}: ${line.join(", ")} req/s`);
  }
  const series = new Map<string, Series>();
  for (const load of loads) {
    const summary = summarize(load.name, results.get(load.name) as WrkResult[], cpu.get(load.name) as number);
    if (summary.firstError) log(`  ${load.name}: first error: ${summary.firstError}`);
    series.set(load.name, summary);
  }
  return series;
}

/** The median over rounds of a/b, each round's figures taken from the same round. */
export function medianRatio(a: Series, b: Series): number {
  return median(a.rounds.map((round, i) => round.rps / ((b.rounds[i] as WrkResult).rps || Number.NaN)));
}

/** Checks that a request answers as expected before it is measured. */
export async function probe(label: string, port: number, spec: RequestSpec, expectStatus: number, check?: (body: string) => boolean): Promise<void> {
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
