import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { LeaverClass, LeaverJob, LeaverOutcome } from "../schema";
import { addOutcomeCounts, jobActor, readLeaverJob, recordJobEvent } from "./leaver-jobs";
import { applyDeactivation, applyReactivation } from "./user-status";

// The worker's side of leaver jobs (lib/leavers/worker.ts): which job runs next and its batch
// step. Each row goes through the same apply functions as a single (de|re)activation; raw
// prepared SQL around them, because a job touches up to 100,000 users and each batch must stay
// a few milliseconds long.

/**
 * Tunes the worker's own connection for a long run of small write transactions: SQLite copies
 * the WAL back into the database (a checkpoint, with an fsync) every 1,000 pages by default,
 * which made checkpoints most of a job's time. Every 10,000 pages (~40 MB of WAL) costs a third less.
 */
export function configureJobConnection(db: Db): void {
  db.$client.pragma("wal_autocheckpoint = 10000");
}

/** The oldest queued or running job of any tenant: the worker runs one job at a time, oldest first. */
export function nextRunnableLeaverJobId(db: Db): string | undefined {
  return prepared<{ id: string }>(db, `select id from leaver_jobs where status in ('queued', 'running') order by created_at, id limit 1`).get()?.id;
}

type PendingRow = { rowNumber: number; email: string; reason: string | null; ticket: string | null; class: LeaverClass; userId: string | null };
type RowEffect = { outcome: LeaverOutcome; reason: string | null };

const SKIP_REASONS: Partial<Record<LeaverClass, RowEffect>> = {
  not_found: { outcome: "not_found", reason: "no user with this email in the tenant" },
  invalid_email: { outcome: "invalid", reason: "not a valid email address" },
  duplicate: { outcome: "skipped", reason: "duplicate of an earlier row" },
  self: { outcome: "skipped", reason: "you cannot deactivate yourself" },
};
const USER_GONE: RowEffect = { outcome: "not_found", reason: "the user no longer exists" };

/** One row of a deactivation job: the same effects as a single deactivation, inside the batch's transaction. */
function deactivateRow(db: Db, job: LeaverJob, row: PendingRow, now: number): RowEffect {
  if (!row.userId) return SKIP_REASONS[row.class] ?? { outcome: "not_found", reason: null };
  if (row.class === "self") return SKIP_REASONS.self!;
  const result = applyDeactivation(
    db,
    {
      tenantId: job.tenantId,
      userId: row.userId,
      actor: jobActor(job),
      requestId: job.requestId,
      auditDetails: { jobId: job.id, ...(row.reason ? { reason: row.reason } : {}), ...(row.ticket ? { ticket: row.ticket } : {}) },
      // Already inactive rows are recorded on the job row, not as one audit event each.
      auditNoop: false,
    },
    now,
  );
  if (result.status === "not-found") return USER_GONE;
  if (result.status === "already-inactive") return { outcome: "already_inactive", reason: null };
  return { outcome: "deactivated", reason: null };
}

/** One row of an undo job: reactivates the user only while it is still in the deactivation the undone job made. */
function reactivateRow(db: Db, job: LeaverJob, row: PendingRow, now: number): RowEffect {
  const original = prepared<{ processedAt: number | null }>(
    db,
    `select processed_at as processedAt from leaver_job_rows where job_id = ? and row_number = ?`,
  ).get(job.undoOfJobId, row.rowNumber);
  const result = applyReactivation(
    db,
    {
      tenantId: job.tenantId,
      userId: row.userId ?? "",
      actor: jobActor(job),
      requestId: job.requestId,
      auditDetails: { jobId: job.id, undoOf: job.undoOfJobId },
      auditNoop: false,
      // A row without its original's time (none should exist) matches no deactivation.
      onlyIfDeactivatedAt: original?.processedAt ?? Number.NaN,
    },
    now,
  );
  if (result.status === "not-found") return USER_GONE;
  if (result.status === "already-active") return { outcome: "already_active", reason: null };
  if (result.status === "deactivated-again") return { outcome: "skipped", reason: "deactivated again since the job ran" };
  return { outcome: "reactivated", reason: null };
}

function finishJob(db: Db, job: LeaverJob, counts: LeaverJob["outcomeCounts"], now: number): void {
  prepared(db, `update leaver_jobs set status = 'completed', finished_at = ?, updated_at = ? where id = ?`).run(now, now, job.id);
  const base = { tenantId: job.tenantId, actor: jobActor(job), requestId: job.requestId };
  recordJobEvent(
    db,
    { ...base, action: "job.completed", jobId: job.id, outcome: "completed", details: { kind: job.kind, totalRows: job.totalRows, counts } },
    now,
  );
  if (job.kind === "reactivate" && job.undoOfJobId) {
    recordJobEvent(
      db,
      { ...base, action: "job.undone", jobId: job.undoOfJobId, outcome: "undone", details: { undoJobId: job.id, reactivated: counts.reactivated ?? 0 } },
      now,
    );
  }
}

/** What one batch did: `counts` holds this batch's outcomes only (the job's running totals are on the job). */
export type BatchResult = { done: boolean; processed: number; kind?: LeaverJob["kind"]; counts?: Partial<Record<LeaverOutcome, number>> };

const isBusy = (error: unknown) => error instanceof Error && "code" in error && String((error as { code: unknown }).code).startsWith("SQLITE_BUSY");

/**
 * Processes the next `batchSize` unprocessed rows of a job in ONE immediate transaction: the
 * users, their tokens and sessions, the audit events and each row's outcome commit together or
 * not at all, and rows are picked by "outcome is null", so a crash never repeats or loses a row.
 * When a row throws, the batch rolls back and is run again with each row in a savepoint, the
 * failing rows recorded as "error" with the reason.
 */
export function processLeaverJobBatch(db: Db, jobId: string, batchSize = 500, now = Date.now()): BatchResult {
  try {
    return inTransaction(db, "immediate", () => runBatch(db, jobId, batchSize, now, false));
  } catch (error) {
    if (isBusy(error)) throw error;
    return inTransaction(db, "immediate", () => runBatch(db, jobId, batchSize, now, true));
  }
}

function runBatch(db: Db, jobId: string, batchSize: number, now: number, isolateRows: boolean): BatchResult {
  const job = readLeaverJob(db, jobId);
  if (!job || (job.status !== "queued" && job.status !== "running")) return { done: true, processed: 0 };
  if (job.status === "queued")
    prepared(db, `update leaver_jobs set status = 'running', started_at = coalesce(started_at, ?), updated_at = ? where id = ?`).run(now, now, job.id);
  const rows = prepared<PendingRow>(
    db,
    `select row_number as rowNumber, email, reason, ticket, class, user_id as userId from leaver_job_rows where job_id = ? and outcome is null order by row_number limit ?`,
  ).all(job.id, batchSize);
  const apply = job.kind === "deactivate" ? deactivateRow : reactivateRow;
  const record = prepared(
    db,
    `update leaver_job_rows set outcome = ?, outcome_reason = ?, processed_at = ? where job_id = ? and row_number = ? and outcome is null`,
  );
  const batchCounts: Partial<Record<LeaverOutcome, number>> = {};
  for (const row of rows) {
    let effect: RowEffect;
    if (!isolateRows) effect = apply(db, job, row, now);
    else {
      try {
        // Nested in the batch's transaction: a savepoint, rolled back alone when the row throws.
        effect = inTransaction(db, "deferred", () => apply(db, job, row, now));
      } catch (error) {
        effect = { outcome: "error", reason: error instanceof Error ? error.message.slice(0, 200) : "unexpected error" };
      }
    }
    record.run(effect.outcome, effect.reason, now, job.id, row.rowNumber);
    batchCounts[effect.outcome] = (batchCounts[effect.outcome] ?? 0) + 1;
  }
  const counts = addOutcomeCounts(job.outcomeCounts, batchCounts);
  prepared(db, `update leaver_jobs set processed_rows = processed_rows + ?, outcome_counts = ?, updated_at = ? where id = ?`).run(
    rows.length,
    JSON.stringify(counts),
    now,
    job.id,
  );
  const done = rows.length < batchSize;
  if (done) finishJob(db, job, counts, now);
  return { done, processed: rows.length, kind: job.kind, counts: batchCounts };
}
