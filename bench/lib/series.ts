import { runLoad, type LoadResult, type RequestSpec } from "./load";
import { cpuSeconds } from "./processes";
import { log } from "./run";
import { median, percentile } from "./stats";

/** An endpoint to load: where it listens, which process serves it, what to send. */
export type Load = { name: string; port: number; pid: number; next: (i: number) => RequestSpec | null; expectStatus: number };

/** One endpoint's figures over every round. */
export type Series = {
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
 * first, so that a shared machine's background load hits every endpoint alike; keep-alive
 * connections, `connections` at a time.
 */
export async function interleaved(loads: Load[], options: { rounds: number; durationMs: number; connections: number }): Promise<Map<string, Series>> {
  const { rounds, durationMs, connections } = options;
  const results = new Map(loads.map((load) => [load.name, [] as LoadResult[]]));
  const cpu = new Map(loads.map((load) => [load.name, 0]));
  for (let round = 0; round < rounds; round += 1) {
    const line: string[] = [];
    for (let k = 0; k < loads.length; k += 1) {
      const load = loads[(round + k) % loads.length] as Load;
      const cpuBefore = cpuSeconds(load.pid);
      const result = await runLoad({
        port: load.port,
        connections,
        durationMs: durationMs / rounds,
        maxRequests: 10_000_000,
        next: load.next,
        expectStatus: load.expectStatus,
      });
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
export function medianRatio(a: Series, b: Series): number {
  return median(a.rounds.map((round, i) => round.rps / ((b.rounds[i] as LoadResult).rps || Number.NaN)));
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
