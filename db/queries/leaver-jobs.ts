import type { Db } from "../client";
import { inList, prepared } from "../prepared";
import type { LeaverClass, LeaverJob, LeaverOutcome } from "../schema";
import { recordAuditEvent } from "./audit";
import type { ClassifiedFileRow, LeaverActor } from "./leaver-previews";

// Leaver jobs: reading jobs and their rows, and the records every step writes. Starting and
// stopping jobs is in ./leaver-job-lifecycle.ts, the worker's batch step in ./leaver-batch.ts.

export type { LeaverActor } from "./leaver-previews";
export type OutcomeCounts = Partial<Record<LeaverOutcome | "pending", number>>;
export type LeaverJobView = LeaverJob & { counts: OutcomeCounts };

type JobRecord = {
  id: string;
  tenant_id: string;
  kind: LeaverJob["kind"];
  status: LeaverJob["status"];
  preview_id: string | null;
  undo_of_job_id: string | null;
  undone_by_job_id: string | null;
  file_sha256: string | null;
  actor_type: "admin" | "token";
  actor_id: string;
  actor_name: string;
  actor_user_id: string;
  request_id: string | null;
  total_rows: number;
  processed_rows: number;
  outcome_counts: string;
  started_at: number | null;
  finished_at: number | null;
  created_at: number;
  updated_at: number;
};

function toJob(row: JobRecord): LeaverJob {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    status: row.status,
    previewId: row.preview_id,
    undoOfJobId: row.undo_of_job_id,
    undoneByJobId: row.undone_by_job_id,
    fileSha256: row.file_sha256,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorUserId: row.actor_user_id,
    requestId: row.request_id,
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    outcomeCounts: JSON.parse(row.outcome_counts) as LeaverJob["outcomeCounts"],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const jobActor = (job: LeaverJob): LeaverActor => ({
  type: job.actorType as LeaverActor["type"],
  id: job.actorId,
  name: job.actorName,
  userId: job.actorUserId,
});

const READ_JOB = `select * from leaver_jobs where id = ?`;
const LOCK_JOB: Record<Db["dialect"], string> = {
  // SQLite's immediate transaction holds the database's write lock already.
  sqlite: READ_JOB,
  postgres: `${READ_JOB} for update`,
};

/** A job of any tenant, for the worker; requests go through getLeaverJob. */
export async function readLeaverJob(db: Db, jobId: string): Promise<LeaverJob | undefined> {
  const row = await prepared<JobRecord>(db, READ_JOB).get(jobId);
  return row && toJob(row);
}

/**
 * A job read to be changed, in the caller's transaction: on PostgreSQL the row stays locked until
 * it commits, so a batch, a cancel or an undo on another server waits and then reads this one's
 * counts and status, instead of overwriting them with its own stale copy.
 */
export async function lockLeaverJob(db: Db, jobId: string): Promise<LeaverJob | undefined> {
  const row = await prepared<JobRecord>(db, LOCK_JOB[db.dialect]).get(jobId);
  return row && toJob(row);
}

/** A job's own audit event (created, cancelled, completed, undone), written in the caller's transaction. */
export async function recordJobEvent(
  db: Db,
  event: { tenantId: string; actor: LeaverActor; action: string; jobId: string; outcome: string; requestId: string | null; details: Record<string, unknown> },
  now: number,
): Promise<void> {
  await recordAuditEvent(db, {
    tenantId: event.tenantId,
    actorType: event.actor.type,
    actorId: event.actor.id,
    actorName: event.actor.name,
    action: event.action,
    targetType: "leaver_job",
    targetId: event.jobId,
    outcome: event.outcome,
    requestId: event.requestId,
    details: event.details,
    createdAt: now,
  });
}

export function addOutcomeCounts(base: LeaverJob["outcomeCounts"], more: Partial<Record<LeaverOutcome, number>>): LeaverJob["outcomeCounts"] {
  const sum = { ...base };
  for (const [outcome, n] of Object.entries(more) as [LeaverOutcome, number][]) if (n) sum[outcome] = (sum[outcome] ?? 0) + n;
  return sum;
}

const countsOf = (job: LeaverJob): OutcomeCounts => ({
  ...job.outcomeCounts,
  ...(job.totalRows > job.processedRows ? { pending: job.totalRows - job.processedRows } : {}),
});

/** A job of the tenant with its outcome counts; undefined for another tenant's job. */
export async function getLeaverJob(db: Db, tenantId: string, jobId: string): Promise<LeaverJobView | undefined> {
  const job = await readLeaverJob(db, jobId);
  if (!job || job.tenantId !== tenantId) return undefined;
  return { ...job, counts: countsOf(job) };
}

/** The statement of listLeaverJobs; exported so that tests can check its plan. */
export const leaverJobListStatement = (tenantId: string, limit: number) => ({
  sql: "select * from leaver_jobs where tenant_id = ? order by created_at desc, id desc limit ?",
  args: [tenantId, limit],
});

/** The tenant's most recent jobs, newest first. */
export async function listLeaverJobs(db: Db, tenantId: string, limit = 50): Promise<LeaverJob[]> {
  const { sql, args } = leaverJobListStatement(tenantId, limit);
  return (await prepared<JobRecord>(db, sql).all(...args)).map(toJob);
}

// What switches a row's user off: done (deactivated, scheduled), or still to do (pending, of a class the worker deactivates
// or schedules; a "self" row names the uploader and is skipped, so that they can still withdraw their own file).
const SWITCHED_OFF: LeaverOutcome[] = ["deactivated", "scheduled"];
const WILL_SWITCH_OFF: LeaverClass[] = ["will_deactivate", "scheduled"];

/** The statement of leaverJobSwitchesOff; exported so that tests can check its plan. */
export const switchesOffStatement = (jobId: string, userId: string) => {
  const done = inList(SWITCHED_OFF);
  const pending = inList(WILL_SWITCH_OFF);
  return {
    // Walks the job's rows by the primary key's job_id prefix, at most the leaver file's 100,000: no index leads with
    // user_id, and one on (job_id, user_id) would cost every confirmed row an entry for a question only cancel, reject and undo ask.
    sql: `select 1 as "found" from leaver_job_rows where job_id = ? and user_id = ?
      and (outcome in ${done.sql} or (outcome is null and class in ${pending.sql})) order by row_number limit 1`,
    args: [jobId, userId, ...done.values, ...pending.values],
  };
};

/**
 * Whether a deactivation job switched the user off or may still (a pending row that would, a row scheduled):
 * what makes cancelling, undoing or rejecting it the user's own business (the policies' no-self-deactivation).
 */
export async function leaverJobSwitchesOff(db: Db, job: Pick<LeaverJob, "id" | "kind">, userId: string): Promise<boolean> {
  if (job.kind !== "deactivate") return false;
  const { sql, args } = switchesOffStatement(job.id, userId);
  return (await prepared<{ found: number }>(db, sql).get(...args)) !== undefined;
}

export type JobRowView = ClassifiedFileRow & { outcome: LeaverOutcome | null; outcomeReason: string | null; processedAt: number | null };

export type JobRowsPage = { outcome?: LeaverOutcome; afterRow?: number; offset?: number; limit: number };

/**
 * The statement of a page of a job's rows: read by primary key in row order from the cursor, those
 * of another outcome passed over (no index on the outcome: see db/schema/leavers.ts), so a page
 * reads at most the job's rows, which a leaver file caps at 100,000.
 */
export function jobRowsPageStatement(jobId: string, page: JobRowsPage): { sql: string; args: (string | number)[] } {
  const sql = `select row_number as "rowNumber", email, reason, ticket, class, user_id as "userId", effective_at as "effectiveAt", outcome, outcome_reason as "outcomeReason", processed_at as "processedAt"
    from leaver_job_rows where job_id = ? and row_number > ? ${page.outcome ? "and outcome = ?" : ""} order by row_number limit ? offset ?`;
  return { sql, args: [jobId, page.afterRow ?? 0, ...(page.outcome ? [page.outcome] : []), page.limit, page.offset ?? 0] };
}

/** A job's rows in file order, optionally of one outcome; keyset-paged by row number. */
export function listLeaverJobRows(db: Db, jobId: string, page: JobRowsPage): Promise<JobRowView[]> {
  const { sql, args } = jobRowsPageStatement(jobId, page);
  return prepared<JobRowView>(db, sql).all(...args);
}
