import { sqliteClient, type Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { LeaverJob, LeaverOutcome } from "../schema";
import { applyRow, applyRows, recordOutcomes, type PendingRow, type RowEffect } from "./leaver-batch-rows";
import { addOutcomeCounts, jobActor, lockLeaverJob, recordJobEvent } from "./leaver-jobs";
import { lockUsersInOrder } from "./user-status";

// The worker's side of leaver jobs (lib/leavers/worker.ts): which job runs next and its batch
// step. A batch's rows get the effects of single (de|re)activations (./leaver-batch-rows.ts),
// set-based on PostgreSQL, where a round trip per statement and user made a 100,000-row job take
// minutes; raw prepared SQL throughout, because each batch must stay a few milliseconds long.

/**
 * Tunes the worker's own connection for a long run of small write transactions: SQLite copies
 * the WAL back into the database (a checkpoint, with an fsync) every 1,000 pages by default,
 * which made checkpoints most of a job's time. While a job runs, a thread does most of that copying
 * (db/wal-checkpointer.ts); the connection's own checkpoint is what lets the WAL start over once it
 * has caught up. Every 30,000 pages (~120 MB of WAL), a 90,000-row job on 1,000,000 users took
 * 5.0 s in one process against 5.4 s at 10,000 pages and 6.5-7.1 s without the thread.
 * PostgreSQL's checkpoints are the server's to tune: nothing to do there.
 */
export function configureJobConnection(db: Db): void {
  if (db.dialect !== "sqlite") return;
  sqliteClient(db).pragma("wal_autocheckpoint = 30000");
}

/**
 * The queued or running job of any tenant that has waited longest: since each batch stamps its
 * job's updated_at, runnable jobs take turns a batch at a time, so a job of ten rows confirmed
 * behind one of 100,000 (another admin's, another tenant's) runs within a batch instead of after it.
 */
export async function nextRunnableLeaverJobId(db: Db): Promise<string | undefined> {
  const row = await prepared<{ id: string }>(db, `select id from leaver_jobs where status in ('queued', 'running') order by updated_at, id limit 1`).get();
  return row?.id;
}

const PENDING_ROWS = `select row_number as "rowNumber", email, reason, ticket, class, user_id as "userId", effective_at as "effectiveAt"
  from leaver_job_rows where job_id = ? and outcome is null`;
// In process order (see processOrder in ./leaver-previews.ts), off the partial index of
// pending rows: on SQLite a batch's users then share pages of the users table and of the tables
// keyed by its rowid, where file order put each on a page of its own for the batch's commit to
// write (docs/decisions/0027). The index's condition is the query's "outcome is null", so both
// databases read the batch off it in order and stop (PostgreSQL, ordering by a column after an
// IS NULL test of a full index, once sorted every pending row for each batch, a job's time
// growing with the square of its rows). On PostgreSQL, the job row's lock already makes batches of one job
// take turns; skipping locked rows also keeps a batch off rows that anything else holds, rather
// than processing them a second time.
const PENDING_ROWS_SQL: Record<Db["dialect"], string> = {
  sqlite: `${PENDING_ROWS} order by process_order limit ?`,
  postgres: `${PENDING_ROWS} order by process_order limit ? for update skip locked`,
};

async function finishJob(db: Db, job: LeaverJob, counts: LeaverJob["outcomeCounts"], now: number): Promise<void> {
  await prepared(db, `update leaver_jobs set status = 'completed', finished_at = ?, updated_at = ? where id = ?`).run(now, now, job.id);
  const base = { tenantId: job.tenantId, actor: jobActor(job), requestId: job.requestId };
  await recordJobEvent(
    db,
    { ...base, action: "job.completed", jobId: job.id, outcome: "completed", details: { kind: job.kind, totalRows: job.totalRows, counts } },
    now,
  );
  if (job.kind === "reactivate" && job.undoOfJobId) {
    await recordJobEvent(
      db,
      { ...base, action: "job.undone", jobId: job.undoOfJobId, outcome: "undone", details: { undoJobId: job.id, reactivated: counts.reactivated ?? 0 } },
      now,
    );
  }
}

// Rows per batch transaction. SQLite's batch holds the one write lock, so it stays short (API
// deactivations wait behind it); PostgreSQL locks only the batch's rows, and there each batch pays
// a dozen round trips, a commit and statements whose set-up does not grow with its rows: a
// 90,000-row job on 1,000,000 users took 25.7 s with 1,000-row batches against 27.7 s with 500
// (bench:leavers, quiet machine).
export const LEAVER_BATCH_SIZE: Record<Db["dialect"], number> = { sqlite: 500, postgres: 1000 };

/** What one batch did: `counts` holds this batch's outcomes only (the job's running totals are on the job). */
export type BatchResult = { done: boolean; processed: number; kind?: LeaverJob["kind"]; counts?: Partial<Record<LeaverOutcome, number>> };

// Errors of the database rather than of a row (busy, a deadlock, a lost connection, a full disk):
// the whole batch is tried again later, instead of blaming rows one by one. SQLite's result codes
// and PostgreSQL's SQLSTATE classes 08, 40, 53, 55P03 and 57P0x, and node's connection errors.
const TRANSIENT = /^(SQLITE_BUSY|SQLITE_LOCKED|SQLITE_FULL|SQLITE_IOERR|08|40|53|55P03|57P0|ECONN|ETIMEDOUT|EPIPE)/;
const isTransient = (error: unknown) => error instanceof Error && "code" in error && TRANSIENT.test(String((error as { code: unknown }).code));

/**
 * Processes the next `batchSize` unprocessed rows of a job in ONE immediate transaction: the
 * users, their tokens and sessions, the audit events and each row's outcome commit together or
 * not at all, and rows are picked by "outcome is null", so a crash never repeats or loses a row.
 * On PostgreSQL the job row is locked for the batch, so that servers running the same job take
 * turns batch by batch. The rows' effects are a few statements for the whole batch (see
 * applyRows); when one of them throws, the batch rolls back and is run again with each row alone,
 * in a savepoint, the failing rows recorded as "error" with the reason and the others kept.
 */
export async function processLeaverJobBatch(db: Db, jobId: string, batchSize = LEAVER_BATCH_SIZE[db.dialect], now = Date.now()): Promise<BatchResult> {
  try {
    return await inTransaction(db, "immediate", () => runBatch(db, jobId, batchSize, now, false));
  } catch (error) {
    if (isTransient(error)) throw error;
    return inTransaction(db, "immediate", () => runBatch(db, jobId, batchSize, now, true));
  }
}

async function runBatch(db: Db, jobId: string, batchSize: number, now: number, isolateRows: boolean): Promise<BatchResult> {
  const job = await lockLeaverJob(db, jobId);
  if (!job || (job.status !== "queued" && job.status !== "running")) return { done: true, processed: 0 };
  if (job.status === "queued")
    await prepared(db, `update leaver_jobs set status = 'running', started_at = coalesce(started_at, ?), updated_at = ? where id = ?`).run(now, now, job.id);
  const rows = await prepared<PendingRow>(db, PENDING_ROWS_SQL[db.dialect]).all(job.id, batchSize);
  const effects = isolateRows ? await applyRowsAlone(db, job, rows, now) : await applyRows(db, job, rows, now);
  await recordOutcomes(db, job.id, rows, effects, now);
  const batchCounts: Partial<Record<LeaverOutcome, number>> = {};
  for (const effect of effects) batchCounts[effect.outcome] = (batchCounts[effect.outcome] ?? 0) + 1;
  const counts = addOutcomeCounts(job.outcomeCounts, batchCounts);
  await prepared(db, `update leaver_jobs set processed_rows = processed_rows + ?, outcome_counts = ?, updated_at = ? where id = ?`).run(
    rows.length,
    JSON.stringify(counts),
    now,
    job.id,
  );
  // A short batch ends the job only when no row is left: on PostgreSQL it may have skipped rows
  // that something else held locked.
  const done =
    rows.length < batchSize && !(await prepared(db, `select 1 as pending from leaver_job_rows where job_id = ? and outcome is null limit 1`).get(job.id));
  if (done) await finishJob(db, job, counts, now);
  return { done, processed: rows.length, kind: job.kind, counts: batchCounts };
}

/** The rows one by one, each in a savepoint: a row that throws is rolled back alone and recorded as an "error". */
async function applyRowsAlone(db: Db, job: LeaverJob, rows: readonly PendingRow[], now: number): Promise<RowEffect[]> {
  // applyDeactivation and applyReactivation lock their user one at a time: taken in id order
  // first, two batches sharing users wait for one another instead of deadlocking.
  await lockUsersInOrder(db, [...new Set(rows.flatMap((row) => (row.userId ? [row.userId] : [])))]);
  const effects: RowEffect[] = [];
  for (const row of rows) {
    try {
      // Nested in the batch's transaction: a savepoint, rolled back alone when the row throws.
      effects.push(await inTransaction(db, "deferred", () => applyRow(db, job, row, now)));
    } catch (error) {
      if (isTransient(error)) throw error;
      effects.push({ outcome: "error", reason: error instanceof Error ? error.message.slice(0, 200) : "unexpected error" });
    }
  }
  return effects;
}
