import type { Db } from "../client";
import { inList, prepared } from "../prepared";
import type { LeaverClass, LeaverJob, LeaverOutcome } from "../schema";
import { isFutureRow, scheduleFutureRows, scheduleRow } from "./leaver-batch-schedules";
import { jobActor } from "./leaver-jobs";
import type { ClassifiedFileRow } from "./leaver-previews";
import { deactivationOutcome, settlePreviewedInactive } from "./leaver-row-changes";
import { applyDeactivation, applyDeactivations, applyReactivation, applyReactivations, lockUsersInOrder, type ReactivationResult } from "./user-status";

// What a leaver job's batch does to its rows (the batch step itself is ./leaver-batch.ts): all
// rows at once, through the set-based applyDeactivations / applyReactivations, or one row alone,
// through the single-user functions, when the batch is redone row by row after a failure. Both
// give a row the same outcome, effects and audit event.

/** A job row still to process: the row as its preview classified it. */
export type PendingRow = ClassifiedFileRow;
export type RowEffect = { outcome: LeaverOutcome; reason: string | null };

const SKIP_REASONS: Partial<Record<LeaverClass, RowEffect>> = {
  not_found: { outcome: "not_found", reason: "no user with this email in the tenant" },
  invalid_email: { outcome: "invalid", reason: "not a valid email address" },
  duplicate: { outcome: "skipped", reason: "duplicate of an earlier row" },
  self: { outcome: "skipped", reason: "you cannot deactivate yourself" },
  invalid_effective_at: { outcome: "invalid", reason: "effective_at is not a valid date or date-time" },
};
const USER_GONE: RowEffect = { outcome: "not_found", reason: "the user no longer exists" };

/** A deactivation row that changes no user (no user, or the job's own admin): its outcome, decided by the preview's class. */
const skippedRow = (row: PendingRow): RowEffect | undefined =>
  !row.userId ? (SKIP_REASONS[row.class] ?? { outcome: "not_found", reason: null }) : row.class === "self" ? SKIP_REASONS.self : undefined;

const reactivationEffect = (result: ReactivationResult): RowEffect => {
  if (result.status === "not-found") return USER_GONE;
  if (result.status === "already-active") return { outcome: "already_active", reason: null };
  if (result.status === "deactivated-again") return { outcome: "skipped", reason: "deactivated again since the job ran" };
  return { outcome: "reactivated", reason: null };
};

const change = (job: LeaverJob) => ({ tenantId: job.tenantId, actor: jobActor(job), requestId: job.requestId });
const deactivationDetails = (job: LeaverJob, row: PendingRow) => ({
  jobId: job.id,
  ...(row.reason ? { reason: row.reason } : {}),
  ...(row.ticket ? { ticket: row.ticket } : {}),
});

// An undo row keeps its original's row number: the original's processed_at is the time of the
// deactivation it may reverse. One read by primary key serves a batch.
const ORIGINAL_TIMES = (list: string) => `select row_number as "rowNumber", processed_at as "processedAt" from leaver_job_rows
  where job_id = ? and outcome = 'deactivated' and row_number in ${list}`;

async function originalTimes(db: Db, job: LeaverJob, rows: readonly PendingRow[]): Promise<Map<number, number | null>> {
  if (rows.length === 0) return new Map();
  const list = inList(rows.map((row) => row.rowNumber));
  const found = await prepared<{ rowNumber: number; processedAt: number | null }>(db, ORIGINAL_TIMES(list.sql)).all(job.undoOfJobId, ...list.values);
  return new Map(found.map((row) => [row.rowNumber, row.processedAt]));
}

// A row without its original's time (none should exist) matches no deactivation.
const undoneAt = (times: Map<number, number | null>, row: PendingRow) => times.get(row.rowNumber) ?? Number.NaN;

/** The effects of a batch's rows (in the order given), all at once, in the batch's transaction. */
export async function applyRows(db: Db, job: LeaverJob, rows: readonly PendingRow[], now: number): Promise<RowEffect[]> {
  if (job.kind === "deactivate") {
    const effects = rows.map(skippedRow);
    await settlePreviewedInactive(db, rows, effects);
    // Each schedule appends to the audit chain, whose head the transaction then holds while it
    // locks the next users: a single-user change that holds one of them and waits for the head
    // would deadlock with it (PostgreSQL). Locked in id order first, the batch takes users before the head.
    if (rows.some((row, i) => !effects[i] && isFutureRow(row, now)))
      await lockUsersInOrder(db, [...new Set(rows.flatMap((row) => (row.userId ? [row.userId] : [])))]);
    await scheduleFutureRows(db, job, rows, effects, now);
    const changing = rows.filter((_, i) => !effects[i]);
    const users = changing.map((row) => ({ userId: row.userId!, auditDetails: deactivationDetails(job, row) }));
    const results = await applyDeactivations(db, { ...change(job), users }, now);
    let next = 0;
    return effects.map((effect) => effect ?? deactivationOutcome(changing[next]!, results[next++]!));
  }
  const times = await originalTimes(db, job, rows);
  const auditDetails = { jobId: job.id, undoOf: job.undoOfJobId };
  const effects = rows.map((row) => (row.userId ? undefined : USER_GONE));
  const changing = rows.filter((row) => row.userId);
  const users = changing.map((row) => ({ userId: row.userId!, auditDetails, onlyIfDeactivatedAt: undoneAt(times, row) }));
  const results = await applyReactivations(db, { ...change(job), users }, now);
  let next = 0;
  return effects.map((effect) => effect ?? reactivationEffect(results[next++]!));
}

/** One row's effects alone (a batch redone row by row, each in its savepoint): the same as applyRows gives it. */
export async function applyRow(db: Db, job: LeaverJob, row: PendingRow, now: number): Promise<RowEffect> {
  if (job.kind === "deactivate") {
    const effects = [skippedRow(row)];
    await settlePreviewedInactive(db, [row], effects);
    if (effects[0]) return effects[0];
    if (isFutureRow(row, now)) return scheduleRow(db, job, row, now);
    const input = { ...change(job), userId: row.userId!, auditDetails: deactivationDetails(job, row), auditNoop: false };
    return deactivationOutcome(row, await applyDeactivation(db, input, now));
  }
  if (!row.userId) return USER_GONE;
  const onlyIfDeactivatedAt = undoneAt(await originalTimes(db, job, [row]), row);
  const input = { ...change(job), userId: row.userId, auditDetails: { jobId: job.id, undoOf: job.undoOfJobId }, auditNoop: false, onlyIfDeactivatedAt };
  return reactivationEffect(await applyReactivation(db, input, now));
}

const RECORD_OUTCOME = `update leaver_job_rows set outcome = ?, outcome_reason = ?, processed_at = ? where job_id = ? and row_number = ? and outcome is null`;
// PostgreSQL: the batch's outcomes in one statement (a round trip per row was a sixth of the
// batch's time), as a JSON object of row number → [outcome, reason], parsed once (the subqueries
// are init plans). No join and no index on "outcome is null" for the planner to pick, whatever its
// statistics (taken before or during the job): with them, it read, hashed or rescanned every
// pending row of the job, for each batch. The rows are found by primary key, and are this
// transaction's (locked by PENDING_ROWS); the null check still keeps a row from being recorded twice.
const RECORD_OUTCOMES = `update leaver_job_rows set outcome = ((select @effects::jsonb) -> row_number::text) ->> 0,
    outcome_reason = ((select @effects::jsonb) -> row_number::text) ->> 1, processed_at = @now
  where job_id = @jobId and row_number = any(@rowNumbers::bigint[]) and coalesce(outcome, '') = ''`;

/** Records each row's outcome, in the batch's transaction. */
export async function recordOutcomes(db: Db, jobId: string, rows: readonly PendingRow[], effects: readonly RowEffect[], now: number): Promise<void> {
  if (db.dialect === "sqlite") {
    const record = prepared(db, RECORD_OUTCOME);
    for (const [i, row] of rows.entries()) await record.run(effects[i]!.outcome, effects[i]!.reason, now, jobId, row.rowNumber);
    return;
  }
  if (rows.length === 0) return;
  const effectsByRow = JSON.stringify(Object.fromEntries(rows.map((row, i) => [row.rowNumber, [effects[i]!.outcome, effects[i]!.reason]])));
  await prepared(db, RECORD_OUTCOMES).run({ now, jobId, effects: effectsByRow, rowNumbers: `{${rows.map((row) => row.rowNumber).join(",")}}` });
}
