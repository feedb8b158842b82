import type { Db } from "../client";
import { LEAVER_APPROVAL_TTL_MS } from "../constants";
import { inList, inTransaction, prepared } from "../prepared";
import type { LeaverClass, LeaverJob, LeaverJobApproval } from "../schema";
import { recordAuditEvent } from "./audit";
import { addOutcomeCounts, lockLeaverJob, readLeaverJob, recordJobEvent, type LeaverActor } from "./leaver-jobs";

// Four-eyes approval of bulk leaver jobs (docs/decisions/0025). A new job (a confirmed preview, an
// undo) whose rows, with its admin's of the last 24 hours, are above the tenant's threshold waits as
// "awaiting_approval" (the worker runs only queued and running jobs); another admin approves it
// (→ queued) or rejects it (→ rejected), or it expires after 72 hours. Each of those is ONE
// conditional update of the job's status, so of two decisions at once, on one server or several,
// exactly one changes the job and writes its audit event.

const APPROVAL_COLUMNS = `job_id as "jobId", tenant_id as "tenantId", requested_by_admin_id as "requestedByAdminId", threshold, counted_rows as "countedRows",
  recent_rows as "recentRows", requested_at as "requestedAt", expires_at as "expiresAt", decision, decided_by_type as "decidedByType",
  decided_by_admin_id as "decidedByAdminId", decided_by_name as "decidedByName", decided_at as "decidedAt", note, created_at as "createdAt", updated_at as "updatedAt"`;

/** How far back an admin's other jobs count with a new one against the threshold. */
export const LEAVER_APPROVAL_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What the threshold counts of a deactivation: the rows that would switch someone off, now or later (ADR 0024). */
const COUNTED_CLASSES = ["will_deactivate", "scheduled"] as const satisfies readonly LeaverClass[];
export const countedRowsOf = (counts: Partial<Record<LeaverClass, number>>) => COUNTED_CLASSES.reduce((sum, cls) => sum + (counts[cls] ?? 0), 0);
// The same sum in SQL, over a preview's counts (JSON text on SQLite, jsonb on PostgreSQL).
const COUNTED_OF_PREVIEW: Record<Db["dialect"], string> = {
  sqlite: COUNTED_CLASSES.map((cls) => `coalesce(json_extract(p.counts, '$.${cls}'), 0)`).join(" + "),
  postgres: COUNTED_CLASSES.map((cls) => `coalesce((p.counts ->> '${cls}')::bigint, 0)`).join(" + "),
};
// An undo's rows are the users it reactivates, all of them.
const COUNTED_OF_JOB: Record<LeaverJob["kind"], (dialect: Db["dialect"]) => { from: string; rows: string }> = {
  deactivate: (dialect) => ({ from: "leaver_jobs j join leaver_previews p on p.id = j.preview_id", rows: COUNTED_OF_PREVIEW[dialect] }),
  reactivate: () => ({ from: "leaver_jobs j", rows: "j.total_rows" }),
};

/**
 * The statement of an admin's recent rows of one kind: their jobs (any actor type: console or token) created after
 * `since` that ran or will run without a second admin — those without an approval record. Approved ones had one;
 * rejected, expired and withdrawn ones never ran. Cancelled ones count as confirmed: their admin started all of it
 * alone, the cancel may have come after most rows ran, and the check errs toward asking. Off the tenant's
 * (tenant_id, created_at) index: it reads the tenant's jobs of the window only. Exported so that tests can check its plan.
 */
export function recentRowsStatement(dialect: Db["dialect"], input: { tenantId: string; userId: string; kind: LeaverJob["kind"]; since: number }) {
  const { from, rows } = COUNTED_OF_JOB[input.kind](dialect);
  return {
    sql: `select coalesce(sum(${rows}), 0) as "rows" from ${from}
      where j.tenant_id = ? and j.created_at > ? and j.actor_user_id = ? and j.kind = ? and not exists (select 1 from leaver_job_approvals a where a.job_id = j.id)`,
    args: [input.tenantId, input.since, input.userId, input.kind],
  };
}

export type ApprovalNeed = { threshold: number; countedRows: number; recentRows: number };

/**
 * Whether a job about to be created needs a second admin: when it changes someone and its `countedRows`, with its
 * creator's other rows of the same kind in the last 24 hours that needed none, are above the tenant's threshold
 * (null: it runs at once). In the creating transaction; on PostgreSQL it first takes an advisory lock per tenant and
 * admin that ends with it, so that of two jobs created at once the second counts the first (SQLite's immediate
 * transaction already takes turns).
 */
export async function approvalNeeded(
  db: Db,
  input: { tenantId: string; userId: string; kind: LeaverJob["kind"]; countedRows: number },
  now: number,
): Promise<ApprovalNeed | null> {
  const row = await prepared<{ threshold: number | null }>(db, `select approval_threshold as threshold from tenants where id = ?`).get(input.tenantId);
  const threshold = row?.threshold ?? null;
  if (threshold === null || input.countedRows === 0) return null;
  if (db.dialect === "postgres")
    await prepared(db, `select pg_advisory_xact_lock(hashtextextended(?, 0))`).get(`leaver-approval-window:${input.tenantId}:${input.userId}`);
  const { sql, args } = recentRowsStatement(db.dialect, { ...input, since: now - LEAVER_APPROVAL_WINDOW_MS });
  const recentRows = (await prepared<{ rows: number }>(db, sql).get(...args))!.rows;
  return input.countedRows + recentRows > threshold ? { threshold, countedRows: input.countedRows, recentRows } : null;
}

/**
 * Records that a job just inserted as awaiting_approval needs a second admin, with its
 * `leaver_job.approval_requested` audit event, in the caller's (the job's creating) transaction.
 */
export async function requestLeaverJobApproval(
  db: Db,
  input: { tenantId: string; jobId: string; actor: LeaverActor; requestId: string | null } & ApprovalNeed,
  now: number,
): Promise<void> {
  const expiresAt = now + LEAVER_APPROVAL_TTL_MS;
  await prepared(
    db,
    `insert into leaver_job_approvals (job_id, tenant_id, requested_by_admin_id, threshold, counted_rows, recent_rows, requested_at, expires_at, created_at, updated_at)
     values (?, ?, (select id from admins where user_id = ?), ?, ?, ?, ?, ?, ?, ?)`,
  ).run(input.jobId, input.tenantId, input.actor.userId, input.threshold, input.countedRows, input.recentRows, now, expiresAt, now, now);
  await recordJobEvent(
    db,
    {
      tenantId: input.tenantId,
      actor: input.actor,
      action: "leaver_job.approval_requested",
      jobId: input.jobId,
      outcome: "awaiting_approval",
      requestId: input.requestId,
      details: {
        threshold: input.threshold,
        countedRows: input.countedRows,
        recentRows: input.recentRows,
        recentSince: new Date(now - LEAVER_APPROVAL_WINDOW_MS).toISOString(),
        expiresAt: new Date(expiresAt).toISOString(),
      },
    },
    now,
  );
}

/** The approval records of some jobs, by job id (jobs that never needed one are absent). */
export async function getLeaverJobApprovals(db: Db, jobIds: readonly string[]): Promise<Map<string, LeaverJobApproval>> {
  if (jobIds.length === 0) return new Map();
  const list = inList(jobIds);
  const rows = await prepared<LeaverJobApproval>(db, `select ${APPROVAL_COLUMNS} from leaver_job_approvals where job_id in ${list.sql}`).all(...list.values);
  return new Map(rows.map((row) => [row.jobId, row]));
}

/** The rows a job will now never process become "skipped" with `reason`; the job's counts follow. */
async function skipUnprocessedRows(db: Db, job: LeaverJob, reason: string, now: number): Promise<Record<string, number>> {
  const { changes: skipped } = await prepared(
    db,
    `update leaver_job_rows set outcome = 'skipped', outcome_reason = ?, processed_at = ? where job_id = ? and outcome is null`,
  ).run(reason, now, job.id);
  const counts = addOutcomeCounts(job.outcomeCounts, { skipped });
  await prepared(db, `update leaver_jobs set processed_rows = processed_rows + ?, outcome_counts = ?, finished_at = ? where id = ?`).run(
    skipped,
    JSON.stringify(counts),
    now,
    job.id,
  );
  return counts;
}

/**
 * An undo job that ends without having run (rejected, expired, withdrawn while it waited) gives back the job it
 * was to undo, which may then be undone again, by a new request; its schedules, cancelled with the request, stay so.
 */
export async function releaseUndoneJob(db: Db, job: LeaverJob, now: number): Promise<void> {
  if (job.kind !== "reactivate" || !job.undoOfJobId) return;
  await prepared(db, `update leaver_jobs set undone_by_job_id = null, updated_at = ? where id = ? and undone_by_job_id = ?`).run(now, job.undoOfJobId, job.id);
}

// The one statement that decides: only a job still awaiting, whose request has not expired, moves.
const DECIDE = `update leaver_jobs set status = ?, updated_at = ? where id = ? and status = 'awaiting_approval'
  and exists (select 1 from leaver_job_approvals a where a.job_id = leaver_jobs.id and a.decision is null and a.expires_at > ?)`;
const EXPIRE = `update leaver_jobs set status = 'expired', updated_at = ? where id = ? and status = 'awaiting_approval'
  and exists (select 1 from leaver_job_approvals a where a.job_id = leaver_jobs.id and a.decision is null and a.expires_at <= ?)`;
const RECORD_DECISION = `update leaver_job_approvals set decision = ?, decided_by_type = ?, decided_by_admin_id = ?, decided_by_name = ?, decided_at = ?,
  note = ?, updated_at = ? where job_id = ? and decision is null`;

export type Approver = { actor: LeaverActor; adminId: string };
export type DecisionResult =
  | { status: "decided"; job: LeaverJob }
  | { status: "not-found" }
  | { status: "own-job" }
  | { status: "expired"; job: LeaverJob }
  | { status: "not-awaiting"; job: LeaverJob };

/**
 * Approves (→ queued, the worker runs it) or rejects (→ rejected, its rows skipped) a job awaiting
 * approval, with the decision's audit event. Never by the admin who created the job, whether
 * through the console or one of their tokens: admin ids are compared. A request past its expiry
 * is expired here (and answered "expired") rather than decided.
 */
export function decideLeaverJob(
  db: Db,
  input: { tenantId: string; jobId: string; decision: "approved" | "rejected"; note: string | null; approver: Approver; requestId: string | null },
  now = Date.now(),
): Promise<DecisionResult> {
  return inTransaction(db, "immediate", async (): Promise<DecisionResult> => {
    const job = await readLeaverJob(db, input.jobId);
    if (!job || job.tenantId !== input.tenantId) return { status: "not-found" };
    const approval = (await getLeaverJobApprovals(db, [job.id])).get(job.id);
    if (!approval) return { status: "not-awaiting", job };
    if (approval.requestedByAdminId === input.approver.adminId || job.actorUserId === input.approver.actor.userId) return { status: "own-job" };
    const status = input.decision === "approved" ? "queued" : "rejected";
    const { changes } = await prepared(db, DECIDE).run(status, now, job.id, now);
    if (changes === 0) {
      const current = (await readLeaverJob(db, job.id))!;
      if (current.status === "awaiting_approval" && (await expireOne(db, current.id, now)))
        return { status: "expired", job: (await readLeaverJob(db, job.id))! };
      return { status: current.status === "expired" ? "expired" : "not-awaiting", job: current };
    }
    const { actor } = input.approver;
    await prepared(db, RECORD_DECISION).run(input.decision, actor.type, input.approver.adminId, actor.name, now, input.note, now, job.id);
    const counts = input.decision === "rejected" ? await skipUnprocessedRows(db, job, "approval rejected", now) : undefined;
    if (input.decision === "rejected") await releaseUndoneJob(db, job, now);
    await recordJobEvent(
      db,
      {
        tenantId: job.tenantId,
        actor,
        action: input.decision === "approved" ? "leaver_job.approved" : "leaver_job.rejected",
        jobId: job.id,
        outcome: input.decision,
        requestId: input.requestId,
        details: { note: input.note, createdBy: job.actorName, totalRows: job.totalRows, ...(counts ? { counts } : {}) },
      },
      now,
    );
    return { status: "decided", job: (await readLeaverJob(db, job.id))! };
  });
}

/** Expires one job whose request is past its time, in the caller's transaction; false when it was not (any more) due. */
async function expireOne(db: Db, jobId: string, now: number): Promise<boolean> {
  const { changes } = await prepared(db, EXPIRE).run(now, jobId, now);
  if (changes === 0) return false;
  const job = (await lockLeaverJob(db, jobId))!;
  await prepared(db, RECORD_DECISION).run("expired", "system", null, "approval expiry", now, null, now, jobId);
  await skipUnprocessedRows(db, job, "approval expired", now);
  await releaseUndoneJob(db, job, now);
  const approval = (await getLeaverJobApprovals(db, [jobId])).get(jobId)!;
  await recordAuditEvent(db, {
    tenantId: job.tenantId,
    actorType: "system",
    actorName: "approval expiry",
    action: "leaver_job.approval_expired",
    targetType: "leaver_job",
    targetId: jobId,
    outcome: "expired",
    requestId: null,
    details: {
      note: "no second admin approved or rejected the job in 72 hours",
      requestedAt: new Date(approval.requestedAt).toISOString(),
      expiresAt: new Date(approval.expiresAt).toISOString(),
    },
    createdAt: now,
  });
  return true;
}

/**
 * Expires every request past its time (of one tenant, or all): the worker's sweep and a job
 * list's read call it. Each job in its own transaction, through the same conditional update, so
 * servers sweeping at once expire (and audit) each job once. Returns how many it expired.
 */
export async function expireDueLeaverApprovals(db: Db, now = Date.now(), options: { tenantId?: string; limit?: number } = {}): Promise<number> {
  const due = await prepared<{ jobId: string }>(
    db,
    `select a.job_id as "jobId" from leaver_job_approvals a join leaver_jobs j on j.id = a.job_id
     where a.decision is null and a.expires_at <= ? and j.status = 'awaiting_approval' ${options.tenantId ? "and a.tenant_id = ?" : ""} order by a.expires_at limit ?`,
  ).all(now, ...(options.tenantId ? [options.tenantId] : []), options.limit ?? 100);
  let expired = 0;
  for (const { jobId } of due) if (await inTransaction(db, "immediate", () => expireOne(db, jobId, now))) expired += 1;
  return expired;
}
