import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { LeaverJob } from "../schema";
import { approvalNeeded, countedRowsOf, releaseUndoneJob, requestLeaverJobApproval } from "./leaver-approvals";
import { getLeaverPreview, type LeaverActor } from "./leaver-previews";
import { addOutcomeCounts, lockLeaverJob, readLeaverJob, recordJobEvent } from "./leaver-jobs";
import { cancelJobSchedules } from "./scheduled-deactivations";

// What starts and stops leaver jobs: confirming a preview, queueing an undo, cancelling. Reading
// jobs is in ./leaver-jobs.ts, the worker's batch step in ./leaver-batch.ts.

async function insertJob(
  db: Db,
  job: Omit<LeaverJob, "processedRows" | "outcomeCounts" | "startedAt" | "finishedAt" | "undoneByJobId" | "updatedAt">,
): Promise<void> {
  await prepared(
    db,
    `insert into leaver_jobs (id, tenant_id, kind, status, preview_id, undo_of_job_id, file_sha256, actor_type, actor_id, actor_name, actor_user_id, request_id, total_rows, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    job.id,
    job.tenantId,
    job.kind,
    job.status,
    job.previewId,
    job.undoOfJobId,
    job.fileSha256,
    job.actorType,
    job.actorId,
    job.actorName,
    job.actorUserId,
    job.requestId,
    job.totalRows,
    job.createdAt,
    job.createdAt,
  );
}

type JobRequest = { tenantId: string; actor: LeaverActor; requestId: string | null };

/** A new job's `job.created` audit event (outcome: its status), in the transaction that creates it. */
function recordJobCreated(db: Db, input: JobRequest, jobId: string, details: Record<string, unknown>, now: number, outcome = "queued"): Promise<void> {
  return recordJobEvent(db, { tenantId: input.tenantId, actor: input.actor, action: "job.created", jobId, outcome, requestId: input.requestId, details }, now);
}

export type ConfirmResult =
  { status: "created"; job: LeaverJob } | { status: "not-found" } | { status: "not-owner" } | { status: "already-confirmed"; jobId: string };

/**
 * Turns a preview into a queued job holding a copy of every row, with its `job.created` audit
 * event, in one immediate transaction. A preview is confirmed at most once, by the admin who uploaded it.
 * When more of its rows would be deactivated than the tenant's approval threshold allows, counted
 * with the admin's other such rows of the last 24 hours that ran without a second admin, the job
 * waits for one instead (awaiting_approval; ./leaver-approvals.ts).
 */
export function confirmLeaverPreview(db: Db, input: JobRequest & { previewId: string }, now = Date.now()): Promise<ConfirmResult> {
  return inTransaction(db, "immediate", async (): Promise<ConfirmResult> => {
    // Two confirmations at once on PostgreSQL: the second waits here, then finds the first's job
    // ("already-confirmed") instead of failing on the unique preview_id.
    if (db.dialect === "postgres") await prepared(db, `select id from leaver_previews where id = ? for update`).get(input.previewId);
    const found = await getLeaverPreview(db, input.tenantId, input.previewId);
    if (!found) return { status: "not-found" };
    if (found.jobId) return { status: "already-confirmed", jobId: found.jobId };
    const { preview } = found;
    if (preview.actorUserId !== input.actor.userId) return { status: "not-owner" };
    const id = randomUUID();
    // Scheduled rows are deactivations too, only later: a file of future dates is no way around the second admin.
    const countedRows = countedRowsOf(preview.counts);
    const approval = await approvalNeeded(db, { tenantId: input.tenantId, userId: input.actor.userId, kind: "deactivate", countedRows }, now);
    const status = approval === null ? "queued" : "awaiting_approval";
    await insertJob(db, {
      id,
      tenantId: input.tenantId,
      kind: "deactivate",
      status,
      previewId: preview.id,
      undoOfJobId: null,
      fileSha256: preview.fileSha256,
      actorType: input.actor.type,
      actorId: input.actor.id,
      actorName: input.actor.name,
      actorUserId: input.actor.userId,
      requestId: input.requestId,
      totalRows: preview.totalRows,
      createdAt: now,
    });
    await prepared(
      db,
      `insert into leaver_job_rows (job_id, row_number, email, reason, ticket, class, user_id, effective_at, process_order)
       select ?, row_number, email, reason, ticket, class, user_id, effective_at, process_order
       from leaver_preview_rows where preview_id = ? order by process_order`,
    ).run(id, preview.id);
    await recordJobCreated(
      db,
      input,
      id,
      {
        kind: "deactivate",
        previewId: preview.id,
        fileName: preview.fileName,
        fileSha256: preview.fileSha256,
        totalRows: preview.totalRows,
        counts: preview.counts,
      },
      now,
      status,
    );
    if (approval !== null) await requestLeaverJobApproval(db, { ...input, jobId: id, ...approval }, now);
    return { status: "created", job: (await readLeaverJob(db, id))! };
  });
}

export type UndoResult =
  | { status: "created"; job: LeaverJob }
  | { status: "not-found" }
  | { status: "not-finished"; jobStatus: LeaverJob["status"] }
  | { status: "not-undoable" }
  | { status: "already-undone"; jobId: string };

/**
 * Queues a job that reactivates exactly the users the given finished deactivation job deactivated, and cancels its
 * pending schedules (a stop, which one admin may make). Above the tenant's threshold, counted as a deactivation job
 * is, the undo waits for a second admin as such a job does: one admin cannot mass-reactivate leavers either.
 */
export function createUndoJob(db: Db, input: JobRequest & { jobId: string }, now = Date.now()): Promise<UndoResult> {
  return inTransaction(db, "immediate", async (): Promise<UndoResult> => {
    // Locked: a second undo at once waits, then finds this one ("already-undone").
    const job = await lockLeaverJob(db, input.jobId);
    if (!job || job.tenantId !== input.tenantId) return { status: "not-found" };
    if (job.kind !== "deactivate") return { status: "not-undoable" };
    if (job.undoneByJobId) return { status: "already-undone", jobId: job.undoneByJobId };
    if (job.status !== "completed" && job.status !== "cancelled") return { status: "not-finished", jobStatus: job.status };
    const id = randomUUID();
    const total = (await prepared<{ n: number }>(db, `select count(*) as n from leaver_job_rows where job_id = ? and outcome = 'deactivated'`).get(job.id))!.n;
    const approval = await approvalNeeded(db, { tenantId: input.tenantId, userId: input.actor.userId, kind: "reactivate", countedRows: total }, now);
    const status = approval === null ? "queued" : "awaiting_approval";
    await insertJob(db, {
      id,
      tenantId: input.tenantId,
      kind: "reactivate",
      status,
      previewId: null,
      undoOfJobId: job.id,
      fileSha256: null,
      actorType: input.actor.type,
      actorId: input.actor.id,
      actorName: input.actor.name,
      actorUserId: input.actor.userId,
      requestId: input.requestId,
      totalRows: total,
      createdAt: now,
    });
    // Row numbers are kept, so each undo row points back at the row (and time) of its deactivation.
    await prepared(
      db,
      `insert into leaver_job_rows (job_id, row_number, email, reason, ticket, class, user_id, process_order)
       select ?, row_number, email, reason, ticket, class, user_id, process_order from leaver_job_rows where job_id = ? and outcome = 'deactivated'
       order by process_order`,
    ).run(id, job.id);
    await prepared(db, `update leaver_jobs set undone_by_job_id = ?, updated_at = ? where id = ?`).run(id, now, job.id);
    // Its rows still scheduled are cancelled with it, and the schedules they replaced come back (docs/decisions/0024);
    // those already run are not reversed here.
    const schedules = await cancelJobSchedules(db, { ...input, jobId: job.id, undoJobId: id }, now);
    const details = { kind: "reactivate", undoOf: job.id, totalRows: total, cancelledSchedules: schedules.cancelled, restoredSchedules: schedules.restored };
    await recordJobCreated(db, input, id, details, now, status);
    if (approval !== null) await requestLeaverJobApproval(db, { ...input, jobId: id, ...approval }, now);
    return { status: "created", job: (await readLeaverJob(db, id))! };
  });
}

export type CancelResult = { status: "cancelled"; job: LeaverJob } | { status: "not-found" } | { status: "finished"; job: LeaverJob };

/**
 * Cancels a queued, running or awaiting job: every row not yet processed becomes "skipped", in one
 * transaction; batches are transactions too, so the worker stops before its next batch.
 */
export function cancelLeaverJob(db: Db, input: JobRequest & { jobId: string }, now = Date.now()): Promise<CancelResult> {
  return inTransaction(db, "immediate", async (): Promise<CancelResult> => {
    // Locked like a batch locks it: a batch in progress on another server commits first, and its
    // rows and counts are then kept, not skipped or overwritten.
    const job = await lockLeaverJob(db, input.jobId);
    if (!job || job.tenantId !== input.tenantId) return { status: "not-found" };
    // A job awaiting approval may be withdrawn too; its request then simply stays undecided (an undo's job may be undone again).
    if (job.status !== "queued" && job.status !== "running" && job.status !== "awaiting_approval") return { status: "finished", job };
    const { changes: skipped } = await prepared(
      db,
      `update leaver_job_rows set outcome = 'skipped', outcome_reason = 'job cancelled', processed_at = ? where job_id = ? and outcome is null`,
    ).run(now, job.id);
    const counts = addOutcomeCounts(job.outcomeCounts, { skipped });
    if (job.status === "awaiting_approval") await releaseUndoneJob(db, job, now);
    await prepared(
      db,
      `update leaver_jobs set status = 'cancelled', processed_rows = processed_rows + ?, outcome_counts = ?, finished_at = ?, updated_at = ? where id = ?`,
    ).run(skipped, JSON.stringify(counts), now, now, job.id);
    await recordJobEvent(
      db,
      {
        tenantId: input.tenantId,
        actor: input.actor,
        action: "job.cancelled",
        jobId: job.id,
        outcome: "cancelled",
        requestId: input.requestId,
        details: { kind: job.kind, skippedRows: skipped, counts },
      },
      now,
    );
    return { status: "cancelled", job: (await readLeaverJob(db, job.id))! };
  });
}
