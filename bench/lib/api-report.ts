import { medianRatio, type Series } from "./series";
import { printTable, verdict } from "./table";
import type { WrkResult } from "./wrk";

// bench:api's table: each Roster figure against the plain node:http server's in the same rounds.

export type Row = { figure: string; measured: string; cpu?: string; client?: string; target: string; ratio: string; result: string };

const COLUMNS: [keyof Row, string][] = [
  ["figure", "figure"],
  ["measured", "measured"],
  ["cpu", "server CPU/request"],
  ["client", "client CPU/request"],
  ["target", "target"],
  ["ratio", "ratio"],
  ["result", "result"],
];

const rps = (series: Series) => `${series.rps.toFixed(0)} req/s`;
const us = (value: number) => `${value.toFixed(0)} µs`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const failed = (errors: number) => (errors ? "FAIL (errors)" : "-");

/** A throughput for the record (a baseline, the plain server's). */
export function recordRow(figure: string, series: Series): Row {
  return {
    figure,
    measured: rps(series),
    cpu: us(series.cpuPerRequestUs),
    client: us(series.clientCpuPerRequestUs),
    target: "for the record",
    ratio: "",
    result: failed(series.errors),
  };
}

/** A throughput held to `minRatio` × `base`'s, the median of the rounds' ratios; `moonshot` is printed beside the target. */
export function ratioRow(figure: string, series: Series, base: Series, baseName: string, minRatio: number, moonshot?: number): Row {
  const ratio = medianRatio(series, base);
  return {
    figure,
    measured: rps(series),
    cpu: us(series.cpuPerRequestUs),
    client: us(series.clientCpuPerRequestUs),
    target: `≥ ${minRatio} × ${baseName}${moonshot ? ` (moonshot ${moonshot} ×)` : ""}`,
    ratio: ratio.toFixed(2),
    result: verdict(ratio >= minRatio, series.errors + base.errors),
  };
}

/** The 1,000-address lookups at one connection count; `limitMs` (on p99) only where there is a target. */
export function batchRow(figure: string, result: WrkResult, serverCpuMs: number, limitMs: number | null): Row {
  return {
    figure,
    measured: `p50 ${ms(result.p50)}, p99 ${ms(result.p99)} (${result.ok} requests)`,
    cpu: ms(serverCpuMs),
    client: "",
    target: limitMs === null ? "for the record" : `p99 ≤ ${limitMs} ms`,
    ratio: limitMs === null ? "" : (result.p99 / limitMs).toFixed(2),
    result: limitMs === null ? failed(result.errors) : verdict(result.p99 <= limitMs, result.errors),
  };
}

export function rssRow(figure: string, memory: { rss: number; peak: number }, limitMb: number): Row {
  return {
    figure,
    measured: `${memory.rss.toFixed(0)} MB (peak ${memory.peak.toFixed(0)} MB)`,
    target: `≤ ${limitMb} MB`,
    ratio: (memory.rss / limitMb).toFixed(2),
    result: verdict(memory.rss <= limitMb),
  };
}

export function printRows(rows: Row[]): void {
  printTable(COLUMNS, rows);
}

/** Share of one core a process used while a series ran: CPU per request × requests per second. */
export const coreShare = (cpuPerRequestUs: number, series: Series) => (cpuPerRequestUs * series.rps) / 1e6;

/** The line that shows whether the load client or the server set the plain server's figure. */
export function clientLine(client: string, plain: Series): string {
  const server = coreShare(plain.cpuPerRequestUs, plain);
  const own = coreShare(plain.clientCpuPerRequestUs, plain);
  return (
    `load client: ${client}, one thread, keep-alive connections; on ${plain.name} (the fastest server) it used ` +
    `${(own * 100).toFixed(0)}% of a core while the server used ${(server * 100).toFixed(0)}%` +
    ` (${plain.clientCpuPerRequestUs.toFixed(1)} against ${plain.cpuPerRequestUs.toFixed(1)} µs per request)`
  );
}
