import type { Db } from "@/db/client";
import { expireDueLeaverApprovals } from "@/db/queries/leaver-approvals";
import { startWalCheckpointer, type WalCheckpointer } from "@/db/wal-checkpointer";
import { configureJobConnection, LEAVER_BATCH_SIZE, nextRunnableLeaverJobId, processLeaverJobBatch, type BatchResult } from "@/db/queries/leaver-batch";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { onRunnableLeaverJob } from "./wake";

export const LEAVER_POLL_MS = 200;
const NO_THREAD: WalCheckpointer = { stop: async () => undefined };
/** How often an idle worker expires approval requests past their 72 hours (readers also expire those they come across). */
export const APPROVAL_SWEEP_MS = 60_000;

/** `stop` waits for the batch in progress to finish (it commits or rolls back whole) and runs no other. */
export type LeaverWorker = { stop(): Promise<void> };

function countRows(result: BatchResult): void {
  for (const [outcome, rows] of Object.entries(result.counts ?? {})) metrics().jobRows.inc({ kind: result.kind, outcome }, rows);
}

/**
 * The job runner of the server process (started by server/start.ts): polls for queued or
 * running jobs and processes them batch after batch, runnable jobs taking turns a batch each
 * (nextRunnableLeaverJobId). Between batches it yields
 * to the event loop so that the API keeps answering. State lives only in the database, so a
 * restarted server simply picks up the rows whose outcome is still null; several servers on one
 * PostgreSQL database run a job's batches in turn (see processLeaverJobBatch).
 */
export function startLeaverWorker(db: Db, options: { pollMs?: number; batchSize?: number; log?: (line: string) => void } = {}): LeaverWorker {
  const pollMs = options.pollMs ?? LEAVER_POLL_MS;
  const batchSize = options.batchSize ?? LEAVER_BATCH_SIZE[db.dialect];
  const log = options.log ?? ((line: string) => logger().warn(line));
  configureJobConnection(db);
  let stopped = false;
  let cancel: (() => void) | null = null;
  // Whether the worker waits for its next poll, having found no job, and whether a job was
  // announced while a tick ran (which may have looked before that job was committed).
  let idle = false;
  let announced = false;
  let inProgress: Promise<void> = Promise.resolve();
  let nextSweep = 0;
  // While a job runs, a thread copies the WAL its batches write (db/wal-checkpointer.ts); idle
  // servers hold no thread (its V8 heap is ~10 MB of RSS). Tried once per run of jobs: none on
  // PostgreSQL, and a thread that cannot start must not stop the job (NO_THREAD).
  let checkpointer: WalCheckpointer | null = null;
  const stopCheckpointer = async () => {
    const running = checkpointer;
    checkpointer = null;
    await running?.stop();
  };

  const schedule = (delay: number, wait: { idle?: boolean } = {}) => {
    if (stopped) return;
    idle = wait.idle ?? false;
    const run = () => void (inProgress = tick());
    // The worker alone must not keep the process alive (unref). The next batch comes right after
    // the I/O that waits now (the API keeps answering), without a timer's 1 ms floor (with 0 ms
    // timers, the 200 gaps between a 90,000-row job's batches added up to 0.44 s in one run).
    if (delay === 0) {
      const immediate = setImmediate(run).unref();
      cancel = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(run, delay).unref();
      cancel = () => clearTimeout(timeout);
    }
  };

  async function tick(): Promise<void> {
    cancel = null;
    idle = false;
    announced = false;
    if (stopped) return;
    try {
      const jobId = await nextRunnableLeaverJobId(db);
      if (!jobId) {
        await stopCheckpointer();
        if (Date.now() >= nextSweep) {
          nextSweep = Date.now() + APPROVAL_SWEEP_MS;
          await expireDueLeaverApprovals(db);
        }
        return announced ? schedule(0) : schedule(pollMs, { idle: true });
      }
      checkpointer ??= startWalCheckpointer(db, { warn: log }) ?? NO_THREAD;
      countRows(await processLeaverJobBatch(db, jobId, batchSize));
      schedule(0);
    } catch (error) {
      // A busy database or a transient failure: the batch rolled back, so trying again is safe.
      log(`leaver job batch failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
      schedule(pollMs * 5);
    }
  }

  // A job confirmed in this process starts now rather than up to a poll later (./wake.ts).
  const stopListening = onRunnableLeaverJob(() => {
    if (!idle) return void (announced = true);
    cancel?.();
    schedule(0);
  });
  schedule(0);
  return {
    async stop() {
      stopped = true;
      stopListening();
      cancel?.();
      // tick never rejects: it logs its failures.
      await inProgress;
      await stopCheckpointer();
    },
  };
}

/** Runs one job to its end, batch after batch (tests, CLI, benchmarks); resolves to the number of batches. */
export async function runLeaverJob(db: Db, jobId: string, batchSize = LEAVER_BATCH_SIZE[db.dialect]): Promise<number> {
  let batches = 0;
  for (;;) {
    const result = await processLeaverJobBatch(db, jobId, batchSize);
    batches += 1;
    if (result.done) return batches;
  }
}
