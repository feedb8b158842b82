import type { Db } from "@/db/client";
import { decideLeaverJob, expireDueLeaverApprovals, getLeaverJobApprovals, LEAVER_APPROVAL_WINDOW_MS } from "@/db/queries/leaver-approvals";
import type { LeaverJob, LeaverJobApproval } from "@/db/schema";
import type { Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { jobView } from "./views";

// Four-eyes approval of bulk leaver jobs, between the endpoints and the data (docs/decisions/0025):
// the job's wire form with its approval, and a decision's answers as the API's errors.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const actorOf = (principal: Principal) => ({ ...principal.actor, userId: principal.userId });

function approvalView(approval: LeaverJobApproval | undefined, job: LeaverJob, viewer: Principal) {
  if (!approval) return null;
  const mine = approval.requestedByAdminId === viewer.adminId || job.actorUserId === viewer.userId;
  return {
    threshold: approval.threshold,
    counted_rows: approval.countedRows,
    recent_rows: approval.recentRows,
    recent_since: iso(approval.requestedAt - LEAVER_APPROVAL_WINDOW_MS)!,
    requested_at: iso(approval.requestedAt)!,
    expires_at: iso(approval.expiresAt)!,
    decision: approval.decision,
    decided_by:
      approval.decidedByType && approval.decidedByName ? { type: approval.decidedByType, id: approval.decidedByAdminId, name: approval.decidedByName } : null,
    decided_at: iso(approval.decidedAt),
    note: approval.note,
    can_decide: job.status === "awaiting_approval" && !mine && viewer.role === "admin",
  };
}

type ViewableJob = Parameters<typeof jobView>[0];

/**
 * Jobs in their wire form, each with its approval as `viewer` sees it. A request found past its
 * expiry is expired first (the same conditional update as the worker's sweep), so a reader never
 * sees a job awaiting a decision nobody can make any more; `reload` reads the jobs again then.
 */
export async function viewJobs<J extends ViewableJob>(
  db: Db,
  viewer: Principal,
  jobs: J[],
  reload: () => Promise<J[]>,
  now = Date.now(),
): Promise<(ReturnType<typeof jobView> & { approval: ReturnType<typeof approvalView> })[]> {
  let approvals = await getLeaverJobApprovals(
    db,
    jobs.map((job) => job.id),
  );
  const due = jobs.some((job) => job.status === "awaiting_approval" && (approvals.get(job.id)?.expiresAt ?? Infinity) <= now);
  if (due && (await expireDueLeaverApprovals(db, now, { tenantId: viewer.tenantId })) > 0) {
    jobs = await reload();
    approvals = await getLeaverJobApprovals(
      db,
      jobs.map((job) => job.id),
    );
  }
  return jobs.map((job) => ({ ...jobView(job, now), approval: approvalView(approvals.get(job.id), job, viewer) }));
}

/** Approves or rejects a job awaiting approval for `principal`; the API's 404, 403 or 409 otherwise. */
export async function decideJob(
  db: Db,
  principal: Principal,
  input: { jobId: string; decision: "approved" | "rejected"; note: string | null; requestId: string },
): Promise<LeaverJob> {
  const result = await decideLeaverJob(db, {
    tenantId: principal.tenantId,
    jobId: input.jobId,
    decision: input.decision,
    note: input.note,
    approver: { actor: actorOf(principal), adminId: principal.adminId },
    requestId: input.requestId,
  });
  switch (result.status) {
    case "not-found":
      throw new ApiError("not_found", `No leaver job ${input.jobId}`);
    case "own-job":
      throw new ApiError("forbidden", "A job needs a second admin: the admin who created it cannot approve or reject it", {
        notices: ["leaver-approval-four-eyes"],
      });
    case "expired":
      throw new ApiError("conflict", "The approval request expired (72 hours); upload and confirm the file again");
    case "not-awaiting":
      throw new ApiError("conflict", `The job is not awaiting approval: it is ${result.job.status.replace("_", " ")}`, {
        details: { status: result.job.status },
      });
    default:
      return result.job;
  }
}
