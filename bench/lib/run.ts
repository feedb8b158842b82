import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stopAll } from "./processes";

/** Progress lines go to stderr, so that stdout holds only the report. */
export const log = (line: string) => console.error(line);

/** The 1, 5 and 15 minute load averages. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

/** Node, CPUs and load: the line every report opens with, so figures are read against the machine that made them. */
export const machine = () => `node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAverage()}`;

/** A report's last line: other work during a run shows as a load average that rose or stayed high. */
export const loadAverageLine = (before: string) => `load average (1, 5, 15 min): ${before} before the run, ${loadAverage()} after`;

/** Milliseconds as the console benches print them: two decimals under 10 ms, one above. */
export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/** A call's first time (cold caches), then `times` more, and what the first call answered. */
export async function firstThenRepeats<T>(run: () => Promise<T>, times = 5): Promise<{ first: number; samples: number[]; answer: T }> {
  let started = performance.now();
  const answer = await run();
  const first = performance.now() - started;
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return { first, samples, answer };
}

/** "12.3 s" since a performance.now() reading. */
export const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Exits with status 2 and a message unless each option is a whole number from 1 to `max`. */
export function requireCounts(bench: string, counts: Record<string, number>, max = Number.POSITIVE_INFINITY): void {
  for (const [name, value] of Object.entries(counts)) {
    if (Number.isInteger(value) && value > 0 && value <= max) continue;
    console.error(`bench:${bench}: ${name} must be ${max === Number.POSITIVE_INFINITY ? "a positive integer" : `an integer from 1 to ${max}`}`);
    process.exit(2);
  }
}

export type BenchRun = {
  /** A scratch folder of the run's own (databases, files), removed at the end. */
  dir: string;
  /** Something to close before the processes stop, e.g. a browser; with `afterProcesses`, once they have (a database to drop). */
  onCleanup(close: () => Promise<unknown>, options?: { afterProcesses?: boolean }): void;
  /** Runs the benchmark and cleans up; a failure is reported and exits 1. */
  run(main: () => Promise<void>): Promise<void>;
};

/**
 * A benchmark's scratch folder and its clean-up: whether it ends, fails or is interrupted
 * (Ctrl-C, SIGTERM: exit 130), every process it started is stopped and the folder removed.
 */
export function benchRun(bench: string): BenchRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `roster-bench-${bench}-`));
  const closers: (() => Promise<unknown>)[] = [];
  const lastClosers: (() => Promise<unknown>)[] = [];
  let cleaning: Promise<void> | null = null;
  let interrupted = false;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const close of closers) await close().catch(() => {});
      await stopAll();
      for (const close of lastClosers) await close().catch((error: unknown) => console.error(`bench:${bench}: clean-up failed:`, error));
      fs.rmSync(dir, { recursive: true, force: true });
    })());
  // `on`, not `once`: npm and tsx relay a Ctrl-C a second time, which must not cut the clean-up short.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (!interrupted) console.error(`\nbench:${bench}: ${signal}, stopping servers and removing ${dir}`);
      interrupted = true;
      void cleanup().finally(() => process.exit(130));
    });
  }
  return {
    dir,
    onCleanup: (close, options) => void (options?.afterProcesses ? lastClosers : closers).push(close),
    async run(main) {
      const before = loadAverage();
      log(`bench:${bench}: load average ${before} before the run`);
      try {
        await main();
        console.log(loadAverageLine(before));
      } catch (error) {
        // After Ctrl-C the run fails as its servers go away: that is no crash worth reporting.
        if (!interrupted) console.error(`bench:${bench} failed:`, error instanceof Error ? error.message : error);
        await cleanup();
        process.exit(interrupted ? 130 : 1);
      }
      await cleanup();
    },
  };
}
