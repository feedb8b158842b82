import type { Db } from "@/db/client";
import { configureJobConnection, nextRunnableLeaverJobId, processLeaverJobBatch, type BatchResult } from "@/db/queries/leaver-batch";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";

export const LEAVER_BATCH_SIZE = 500;
export const LEAVER_POLL_MS = 200;

/** `stop` lets the batch in progress finish (it commits or rolls back whole) and runs no other. */
export type LeaverWorker = { stop(): Promise<void> };

function countRows(result: BatchResult): void {
  for (const [outcome, rows] of Object.entries(result.counts ?? {})) metrics().jobRows.inc({ kind: result.kind, outcome }, rows);
}

/**
 * The job runner of the server process (started by server/start.ts): polls for queued or
 * running jobs, one job at a time, and processes it batch after batch. Between batches it yields
 * to the event loop so that the API keeps answering. State lives only in the database, so a
 * restarted server simply picks up the rows whose outcome is still null.
 */
export function startLeaverWorker(db: Db, options: { pollMs?: number; batchSize?: number; log?: (line: string) => void } = {}): LeaverWorker {
  const pollMs = options.pollMs ?? LEAVER_POLL_MS;
  const batchSize = options.batchSize ?? LEAVER_BATCH_SIZE;
  const log = options.log ?? ((line: string) => logger().warn(line));
  configureJobConnection(db);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    // The worker alone must not keep the process alive.
    timer.unref();
  };

  function tick(): void {
    timer = null;
    if (stopped) return;
    try {
      const jobId = nextRunnableLeaverJobId(db);
      if (!jobId) return schedule(pollMs);
      countRows(processLeaverJobBatch(db, jobId, batchSize));
      schedule(0);
    } catch (error) {
      // A busy database or a transient failure: the batch rolled back, so trying again is safe.
      log(`leaver job batch failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
      schedule(pollMs * 5);
    }
  }

  schedule(0);
  return {
    // Batches run synchronously inside one timer callback, so none is in progress whenever this runs.
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** Runs one job to its end synchronously (tests, CLI, benchmarks). */
export function runLeaverJob(db: Db, jobId: string, batchSize = LEAVER_BATCH_SIZE): number {
  let batches = 0;
  for (;;) {
    const result = processLeaverJobBatch(db, jobId, batchSize);
    batches += 1;
    if (result.done) return batches;
  }
}
