import { describe, expect, it } from "vitest";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { postgresPlan, sqlitePlan } from "@/test/search";
import { prepared } from "../prepared";
import { decideLeaverJob, getLeaverJobApprovals, LEAVER_APPROVAL_WINDOW_MS, recentRowsStatement, type Approver } from "./leaver-approvals";
import { cancelLeaverJob, confirmLeaverPreview } from "./leaver-job-lifecycle";
import type { LeaverActor } from "./leaver-jobs";

// The threshold counts one admin's jobs of the last 24 hours together (docs/decisions/0025): fifty
// files of 100 leavers are no way around the second admin that one file of 5,000 needs.
const db = createTestDb();
const HOUR = 3_600_000;

async function adminOf(tenantId: string, name: string) {
  const { admin, user, tokenId } = await makeAdminWithToken(db, tenantId);
  const actor: LeaverActor = { type: "admin", id: admin.id, name, userId: user.id };
  const viaToken: LeaverActor = { ...actor, type: "token", id: tokenId };
  const approver: Approver = { actor, adminId: admin.id };
  return { actor, viaToken, approver };
}

async function setup(threshold: number) {
  const tenant = await makeTenant(db, undefined, { approvalThreshold: threshold });
  return { tenantId: tenant.id, ann: await adminOf(tenant.id, "Ann"), bob: await adminOf(tenant.id, "Bob") };
}

/** `actor` uploads a file naming `leavers` new active users (and one unknown address), at `now`; the preview's id. */
async function previewOf(tenantId: string, actor: LeaverActor, leavers: number, now: number) {
  const users = await Promise.all(Array.from({ length: leavers }, () => makeUser(db, tenantId)));
  const bytes = new TextEncoder().encode(`email\nnobody-${now}@example.test\n${users.map((u) => u.email).join("\n")}\n`);
  return (await previewLeaverFile(db, { tenantId, actor, fileName: "f.csv", bytes }, now)).preview.id;
}

async function confirm(tenantId: string, actor: LeaverActor, previewId: string, now: number) {
  const result = await confirmLeaverPreview(db, { tenantId, previewId, actor, requestId: null }, now);
  if (result.status !== "created") throw new Error(result.status);
  return result.job;
}

const jobOf = async (tenantId: string, actor: LeaverActor, leavers: number, now = Date.now()) =>
  confirm(tenantId, actor, await previewOf(tenantId, actor, leavers, now), now);
const approvalOf = async (jobId: string) => (await getLeaverJobApprovals(db, [jobId])).get(jobId);

describe("the approval threshold over one admin's last 24 hours", () => {
  it("three jobs of 40 under a threshold of 100: the third waits, and its request says why", async () => {
    const { tenantId, ann } = await setup(100);
    const now = Date.now();
    expect((await jobOf(tenantId, ann.actor, 40, now - 2 * HOUR)).status).toBe("queued");
    expect((await jobOf(tenantId, ann.actor, 40, now - HOUR)).status).toBe("queued");
    const third = await jobOf(tenantId, ann.actor, 40, now);
    expect(third.status).toBe("awaiting_approval");
    expect(await approvalOf(third.id)).toMatchObject({ threshold: 100, countedRows: 40, recentRows: 80 });
    const event = await prepared<{ details: string }>(
      db,
      "select details from audit_events where target_id = ? and action = 'leaver_job.approval_requested'",
    ).get(third.id);
    expect(JSON.parse(event!.details)).toMatchObject({
      threshold: 100,
      countedRows: 40,
      recentRows: 80,
      recentSince: new Date(now - LEAVER_APPROVAL_WINDOW_MS).toISOString(),
    });
    // A file that deactivates no one changes nothing to wait for.
    expect((await jobOf(tenantId, ann.actor, 0, now)).status).toBe("queued");
  });

  it("another admin's jobs do not count; the same admin's through a token do", async () => {
    const { tenantId, ann, bob } = await setup(100);
    expect((await jobOf(tenantId, ann.actor, 60)).status).toBe("queued");
    expect((await jobOf(tenantId, bob.actor, 60)).status).toBe("queued");
    const viaToken = await jobOf(tenantId, ann.viaToken, 60);
    expect(viaToken.status).toBe("awaiting_approval");
    expect(await approvalOf(viaToken.id)).toMatchObject({ countedRows: 60, recentRows: 60 });
  });

  it("jobs that waited for a second admin do not count, approved or rejected; a cancelled one does", async () => {
    const { tenantId, ann, bob } = await setup(10);
    const decide = (jobId: string, decision: "approved" | "rejected") =>
      decideLeaverJob(db, { tenantId, jobId, decision, note: "seen", approver: bob.approver, requestId: null });
    const approved = await jobOf(tenantId, ann.actor, 11);
    expect((await decide(approved.id, "approved")).status).toBe("decided");
    const rejected = await jobOf(tenantId, ann.actor, 11);
    expect((await decide(rejected.id, "rejected")).status).toBe("decided");
    expect((await jobOf(tenantId, ann.actor, 11)).status).toBe("awaiting_approval");
    const cancelled = await jobOf(tenantId, ann.actor, 6);
    expect(cancelled.status).toBe("queued");
    expect((await cancelLeaverJob(db, { tenantId, jobId: cancelled.id, actor: ann.actor, requestId: null })).status).toBe("cancelled");
    const next = await jobOf(tenantId, ann.actor, 5);
    expect(next.status).toBe("awaiting_approval");
    expect(await approvalOf(next.id)).toMatchObject({ countedRows: 5, recentRows: 6 });
  });

  it("a job 24 hours old no longer counts", async () => {
    const { tenantId, ann } = await setup(100);
    const start = Date.now() - 2 * LEAVER_APPROVAL_WINDOW_MS;
    expect((await jobOf(tenantId, ann.actor, 80, start)).status).toBe("queued");
    const justInside = await jobOf(tenantId, ann.actor, 40, start + LEAVER_APPROVAL_WINDOW_MS - 1);
    expect(justInside.status).toBe("awaiting_approval");
    expect(await approvalOf(justInside.id)).toMatchObject({ recentRows: 80 });
    expect((await jobOf(tenantId, ann.actor, 40, start + LEAVER_APPROVAL_WINDOW_MS)).status).toBe("queued");
  });

  it(`two jobs of one admin confirmed at once: the second counts the first (${TEST_DIALECT}, 6 rounds)`, async () => {
    const { tenantId, ann } = await setup(10);
    for (let round = 0; round < 6; round++) {
      // Each round a window of its own.
      const now = Date.now() + round * 2 * LEAVER_APPROVAL_WINDOW_MS;
      const previews = [await previewOf(tenantId, ann.actor, 6, now), await previewOf(tenantId, ann.actor, 6, now)];
      const jobs = await Promise.all(previews.map((id) => confirm(tenantId, ann.actor, id, now)));
      expect(jobs.map((job) => job.status).sort()).toEqual(["awaiting_approval", "queued"]);
    }
  });

  it("reads the tenant's jobs of the window off its (tenant, created_at) index", async () => {
    const { tenantId, ann } = await setup(100);
    await jobOf(tenantId, ann.actor, 1);
    for (const kind of ["deactivate", "reactivate"] as const) {
      const statement = recentRowsStatement(db.dialect, { tenantId, userId: ann.actor.userId, kind, since: Date.now() - LEAVER_APPROVAL_WINDOW_MS });
      if (TEST_DIALECT === "sqlite")
        expect(sqlitePlan(db, statement)).toMatch(/^SEARCH j USING INDEX leaver_jobs_tenant_created_idx \(tenant_id=\? AND created_at>\?\)/);
      else expect(await postgresPlan(db, statement, { indexesOnly: true })).toContain("Index Scan leaver_jobs_tenant_created_idx");
    }
  });
});
