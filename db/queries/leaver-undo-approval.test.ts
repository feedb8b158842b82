import { describe, expect, it } from "vitest";
import { LEAVER_APPROVAL_TTL_MS } from "@/db/constants";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { runLeaverJob } from "@/lib/leavers/worker";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { prepared } from "../prepared";
import { decideLeaverJob, expireDueLeaverApprovals, getLeaverJobApprovals, type Approver } from "./leaver-approvals";
import { cancelLeaverJob, confirmLeaverPreview, createUndoJob } from "./leaver-job-lifecycle";
import { getLeaverJob, type LeaverActor } from "./leaver-jobs";
import { setTenantApprovalThreshold } from "./tenant-approval";

// An undo reactivates what a job deactivated: above the threshold it waits for a second admin as a
// deactivation job does (docs/decisions/0025), or one admin could switch a tenant's leavers back on.
const db = createTestDb();

async function adminOf(tenantId: string, name: string) {
  const { admin, user } = await makeAdminWithToken(db, tenantId);
  const actor: LeaverActor = { type: "admin", id: admin.id, name, userId: user.id };
  const approver: Approver = { actor, adminId: admin.id };
  return { actor, approver };
}

async function setup(threshold: number | null) {
  const tenant = await makeTenant(db, undefined, { approvalThreshold: threshold });
  return { tenantId: tenant.id, ann: await adminOf(tenant.id, "Ann"), bob: await adminOf(tenant.id, "Bob") };
}

/** `actor` deactivates `n` new users through a job, run to its end (approved by `approver` if it waits). */
async function finishedJob(tenantId: string, actor: LeaverActor, n: number, approver?: Approver) {
  const users = await Promise.all(Array.from({ length: n }, () => makeUser(db, tenantId)));
  const bytes = new TextEncoder().encode(`email\n${users.map((u) => u.email).join("\n")}\n`);
  const { preview } = await previewLeaverFile(db, { tenantId, actor, fileName: "f.csv", bytes });
  const confirmed = await confirmLeaverPreview(db, { tenantId, previewId: preview.id, actor, requestId: null });
  if (confirmed.status !== "created") throw new Error(confirmed.status);
  if (approver) await decideLeaverJob(db, { tenantId, jobId: confirmed.job.id, decision: "approved", note: null, approver, requestId: null });
  await runLeaverJob(db, confirmed.job.id);
  return { job: (await getLeaverJob(db, tenantId, confirmed.job.id))!, users };
}

async function undo(tenantId: string, actor: LeaverActor, jobId: string, now = Date.now()) {
  const result = await createUndoJob(db, { tenantId, jobId, actor, requestId: "req-undo" }, now);
  if (result.status !== "created") throw new Error(result.status);
  return result.job;
}

const activeCount = async (users: { id: string }[]) => {
  const rows = await prepared<{ active: number }>(db, `select active from users where id in (${users.map(() => "?").join(", ")})`).all(
    ...users.map((u) => u.id),
  );
  return rows.filter((row) => Boolean(row.active)).length;
};
const undoneBy = async (jobId: string) =>
  (await prepared<{ id: string | null }>(db, "select undone_by_job_id as id from leaver_jobs where id = ?").get(jobId))!.id;

describe("undoing a job above the approval threshold", () => {
  it("waits for a second admin, audited as a request; the creator cannot decide it; approved, it reactivates the users", async () => {
    const { tenantId, ann, bob } = await setup(3);
    const { job, users } = await finishedJob(tenantId, ann.actor, 4, bob.approver);
    expect(job.counts).toEqual({ deactivated: 4 });
    const undoJob = await undo(tenantId, ann.actor, job.id);
    expect(undoJob).toMatchObject({ kind: "reactivate", status: "awaiting_approval", totalRows: 4 });
    expect((await getLeaverJobApprovals(db, [undoJob.id])).get(undoJob.id)).toMatchObject({ threshold: 3, countedRows: 4, recentRows: 0 });
    const requested = await prepared<{ actorName: string; details: string }>(
      db,
      `select actor_name as "actorName", details from audit_events where target_id = ? and action = 'leaver_job.approval_requested'`,
    ).all(undoJob.id);
    expect(requested.map((e) => [e.actorName, JSON.parse(e.details).countedRows])).toEqual([["Ann", 4]]);
    // The worker leaves it alone until it is approved.
    await runLeaverJob(db, undoJob.id);
    expect(await activeCount(users)).toBe(0);
    const decide = (approver: Approver) =>
      decideLeaverJob(db, { tenantId, jobId: undoJob.id, decision: "approved", note: "HR withdrew the file", approver, requestId: null });
    expect((await decide(ann.approver)).status).toBe("own-job");
    expect(await decide(bob.approver)).toMatchObject({ status: "decided", job: { status: "queued" } });
    await runLeaverJob(db, undoJob.id);
    expect((await getLeaverJob(db, tenantId, undoJob.id))?.counts).toEqual({ reactivated: 4 });
    expect(await activeCount(users)).toBe(4);
  });

  it("rejected, expired or withdrawn, it reactivates no one and its job may be undone again", async () => {
    const { tenantId, ann, bob } = await setup(3);
    const { job, users } = await finishedJob(tenantId, ann.actor, 4, bob.approver);
    const rejected = await undo(tenantId, ann.actor, job.id);
    expect(await undoneBy(job.id)).toBe(rejected.id);
    await decideLeaverJob(db, { tenantId, jobId: rejected.id, decision: "rejected", note: "they did leave", approver: bob.approver, requestId: null });
    expect((await getLeaverJob(db, tenantId, rejected.id))?.counts).toEqual({ skipped: 4 });
    expect(await undoneBy(job.id)).toBeNull();

    const start = Date.now();
    const expired = await undo(tenantId, ann.actor, job.id, start);
    expect(await expireDueLeaverApprovals(db, start + LEAVER_APPROVAL_TTL_MS, { tenantId })).toBe(1);
    expect((await getLeaverJob(db, tenantId, expired.id))?.status).toBe("expired");
    expect(await undoneBy(job.id)).toBeNull();

    const withdrawn = await undo(tenantId, ann.actor, job.id);
    expect((await cancelLeaverJob(db, { tenantId, jobId: withdrawn.id, actor: ann.actor, requestId: null })).status).toBe("cancelled");
    expect(await undoneBy(job.id)).toBeNull();
    expect(await activeCount(users)).toBe(0);
    expect((await undo(tenantId, ann.actor, job.id)).status).toBe("awaiting_approval");
  });

  it("runs at once at or below the threshold; one admin's undos of 24 hours count together, another admin's not", async () => {
    const { tenantId, ann, bob } = await setup(null);
    const jobs = [await finishedJob(tenantId, ann.actor, 2), await finishedJob(tenantId, ann.actor, 2), await finishedJob(tenantId, ann.actor, 2)].map(
      (f) => f.job,
    );
    await setTenantApprovalThreshold(db, tenantId, 3, { type: "system", name: "test" });
    expect((await undo(tenantId, ann.actor, jobs[0]!.id)).status).toBe("queued");
    expect((await undo(tenantId, bob.actor, jobs[1]!.id)).status).toBe("queued");
    const third = await undo(tenantId, ann.actor, jobs[2]!.id);
    expect(third.status).toBe("awaiting_approval");
    expect((await getLeaverJobApprovals(db, [third.id])).get(third.id)).toMatchObject({ countedRows: 2, recentRows: 2 });
  });
});
