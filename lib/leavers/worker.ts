import type { Db } from "@/db/client";
import { expireDueLeaverApprovals } from "@/db/queries/leaver-approvals";
import { configureJobConnection, LEAVER_BATCH_SIZE, nextRunnableLeaverJobId, processLeaverJobBatch, type BatchResult } from "@/db/queries/leaver-batch";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";

export const LEAVER_POLL_MS = 200;
/** How often an idle worker expires approval requests past their 72 hours (readers also expire those they come across). */
export const APPROVAL_SWEEP_MS = 60_000;

/** `stop` waits for the batch in progress to finish (it commits or rolls back whole) and runs no other. */
export type LeaverWorker = { stop(): Promise<void> };

function countRows(result: BatchResult): void {
  for (const [outcome, rows] of Object.entries(result.counts ?? {})) metrics().jobRows.inc({ kind: result.kind, outcome }, rows);
}

/**
 * The job runner of the server process (started by server/start.ts): polls for queued or
 * running jobs, one job at a time, and processes it batch after batch. Between batches it yields
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
  let timer: NodeJS.Timeout | null = null;
  let inProgress: Promise<void> = Promise.resolve();
  let nextSweep = 0;

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => void (inProgress = tick()), delay);
    // The worker alone must not keep the process alive.
    timer.unref();
  };

  async function tick(): Promise<void> {
    timer = null;
    if (stopped) return;
    try {
      const jobId = await nextRunnableLeaverJobId(db);
      if (!jobId) {
        if (Date.now() >= nextSweep) {
          nextSweep = Date.now() + APPROVAL_SWEEP_MS;
          await expireDueLeaverApprovals(db);
        }
        return schedule(pollMs);
      }
      countRows(await processLeaverJobBatch(db, jobId, batchSize));
      schedule(0);
    } catch (error) {
      // A busy database or a transient failure: the batch rolled back, so trying again is safe.
      log(`leaver job batch failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
      schedule(pollMs * 5);
    }
  }

  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // tick never rejects: it logs its failures.
      await inProgress;
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
