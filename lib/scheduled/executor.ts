import type { Db } from "@/db/client";
import { nextDueAt, runDueScheduledDeactivations, type RunResult } from "@/db/queries/scheduled-run";
import { logger } from "@/lib/observability/log";

export const SCHEDULE_POLL_MS = 5_000;
export const SCHEDULE_BATCH_SIZE = 500;

export type ScheduledExecutor = {
  /** Runs what is due now, batch after batch, and resolves with the totals (tests; the timer does it otherwise). */
  runNow(): Promise<RunResult>;
  /** Waits for the batch in progress (it commits or rolls back whole) and runs no other. */
  stop(): Promise<void>;
};

export type ExecutorOptions = {
  /** The time that decides what is due: injectable, so that tests move it instead of waiting. */
  clock?: () => number;
  pollMs?: number;
  batchSize?: number;
  log?: (line: string) => void;
};

/**
 * Runs scheduled deactivations when they come due (started by server/start.ts beside the leaver
 * worker; docs/decisions/0024). It wakes every `pollMs` (5 s), or sooner when the next schedule is
 * due sooner, so a schedule runs within seconds of its time, well inside the promised minute; a
 * schedule made meanwhile for an earlier time is found by the next poll. Everything is in the
 * database, so a restarted server simply runs what came due while it was down.
 */
export function startScheduledExecutor(db: Db, options: ExecutorOptions = {}): ScheduledExecutor {
  const clock = options.clock ?? Date.now;
  const pollMs = options.pollMs ?? SCHEDULE_POLL_MS;
  const batchSize = options.batchSize ?? SCHEDULE_BATCH_SIZE;
  const log = options.log ?? ((line: string) => logger().warn(line));
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inProgress: Promise<unknown> = Promise.resolve();

  async function drain(): Promise<RunResult> {
    const total: RunResult = { claimed: 0, counts: {} };
    while (!stopped) {
      const result = await runDueScheduledDeactivations(db, clock(), batchSize);
      total.claimed += result.claimed;
      for (const [status, n] of Object.entries(result.counts))
        total.counts[status as keyof RunResult["counts"]] = (total.counts[status as keyof RunResult["counts"]] ?? 0) + n;
      if (result.claimed < batchSize) break;
      // Between batches the event loop serves requests.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return total;
  }

  // One run at a time: a timer's tick and runNow() queue behind each other.
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = inProgress.then(work);
    inProgress = run.catch(() => undefined);
    return run;
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => void serially(tick), Math.max(0, Math.min(delay, pollMs)));
    // The executor alone must not keep the process alive.
    timer.unref();
  };

  async function tick(): Promise<void> {
    timer = null;
    if (stopped) return;
    try {
      await drain();
      const next = await nextDueAt(db);
      schedule(next === null ? pollMs : next - clock());
    } catch (error) {
      // A busy database or a lost connection: the batch rolled back, so trying again is safe.
      log(`scheduled deactivations failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
      schedule(pollMs);
    }
  }

  schedule(0);
  return {
    runNow: () => serially(drain),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inProgress;
    },
  };
}
