import { describe, expect, it } from "vitest";
import { LEAVER_APPROVAL_TTL_MS } from "@/db/constants";
import { classifyLeaverRows, emailsToLookUp } from "@/lib/leavers/classify";
import { parseLeaverCsv } from "@/lib/leavers/parse-csv";
import { runLeaverJob } from "@/lib/leavers/worker";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { prepared } from "../prepared";
import { decideLeaverJob, expireDueLeaverApprovals, getLeaverJobApprovals, type Approver } from "./leaver-approvals";
import { confirmLeaverPreview } from "./leaver-job-lifecycle";
import { getLeaverJob, listLeaverJobRows, type LeaverActor } from "./leaver-jobs";
import { createLeaverPreview } from "./leaver-previews";
import { setTenantApprovalThreshold } from "./tenant-approval";
import { findUsersByEmails } from "./user-lookup";
import { deactivateUser, reactivateUser } from "./user-status";

// Four-eyes approval of bulk leaver jobs (docs/decisions/0025), on whichever database the suite runs.
const db = createTestDb();

async function admin(tenantId: string, name: string) {
  const { admin, user, tokenId } = await makeAdminWithToken(db, tenantId);
  const actor: LeaverActor = { type: "admin", id: admin.id, name, userId: user.id };
  const approver: Approver = { actor, adminId: admin.id };
  return { actor, approver, admin, user, tokenId };
}

async function setup(threshold: number | null) {
  const tenant = await makeTenant(db, undefined, { approvalThreshold: threshold });
  return { tenant, creator: await admin(tenant.id, "Carla Creator"), second: await admin(tenant.id, "Sam Second") };
}

async function confirmEmails(tenantId: string, actor: LeaverActor, emails: string[], now = Date.now(), effectiveAt = "") {
  const file = await parseLeaverCsv(new TextEncoder().encode(`email,effective_at\n${emails.map((email) => `${email},${effectiveAt}`).join("\n")}\n`));
  const users = await findUsersByEmails(db, tenantId, emailsToLookUp(file.rows));
  const { rows, counts } = classifyLeaverRows(file.rows, users, actor.userId);
  const preview = await createLeaverPreview(db, { tenantId, actor, fileName: "f.csv", sha256: file.sha256 }, async (write) => {
    await write(rows);
    return { totalRows: rows.length, counts };
  });
  const result = await confirmLeaverPreview(db, { tenantId, previewId: preview.id, actor, requestId: "req-confirm" }, now);
  if (result.status !== "created") throw new Error(result.status);
  return result.job;
}

const usersOf = (tenantId: string, n: number, active = true) => Promise.all(Array.from({ length: n }, () => makeUser(db, tenantId, { active })));
const emailsOf = (users: { email: string }[]) => users.map((u) => u.email);
const eventsOf = (jobId: string, action: string) =>
  prepared<{ actorName: string; details: string }>(
    db,
    `select actor_name as "actorName", details from audit_events where target_id = ? and action = ? order by created_at, id`,
  ).all(jobId, action);

describe("leaver job approval", () => {
  it("needs a second admin above the threshold only: N rows to deactivate run at once, N + 1 wait", async () => {
    const { tenant, creator } = await setup(3);
    const users = await usersOf(tenant.id, 4);
    // Rows that change nothing do not count: an inactive user and an unknown address on top of 3 leavers.
    const inactive = await usersOf(tenant.id, 1, false);
    const atThreshold = await confirmEmails(tenant.id, creator.actor, [...emailsOf(users.slice(0, 3)), ...emailsOf(inactive), "nobody@example.test"]);
    expect(atThreshold.status).toBe("queued");
    expect((await getLeaverJobApprovals(db, [atThreshold.id])).size).toBe(0);
    const above = await confirmEmails(tenant.id, creator.actor, emailsOf(users));
    expect(above.status).toBe("awaiting_approval");
    const approval = (await getLeaverJobApprovals(db, [above.id])).get(above.id)!;
    expect(approval).toMatchObject({ threshold: 3, countedRows: 4, decision: null, requestedByAdminId: creator.admin.id });
    expect(approval.expiresAt - approval.requestedAt).toBe(LEAVER_APPROVAL_TTL_MS);
    const requested = await eventsOf(above.id, "leaver_job.approval_requested");
    expect(requested.map((e) => [e.actorName, JSON.parse(e.details).countedRows])).toEqual([["Carla Creator", 4]]);
    // The worker leaves it alone: a batch of it changes nothing.
    expect(await runLeaverJob(db, above.id)).toBe(1);
    expect((await getLeaverJob(db, tenant.id, above.id))?.status).toBe("awaiting_approval");
  });

  it("counts rows scheduled for later as deactivations: a file of future dates waits for a second admin too", async () => {
    const { tenant, creator } = await setup(3);
    const users = await usersOf(tenant.id, 4);
    const later = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
    const job = await confirmEmails(tenant.id, creator.actor, emailsOf(users), Date.now(), later);
    expect(job.status).toBe("awaiting_approval");
    expect((await getLeaverJobApprovals(db, [job.id])).get(job.id)).toMatchObject({ threshold: 3, countedRows: 4 });
  });

  it("runs every job at once with the threshold off", async () => {
    const { tenant, creator } = await setup(null);
    const job = await confirmEmails(tenant.id, creator.actor, emailsOf(await usersOf(tenant.id, 5)));
    expect(job.status).toBe("queued");
  });

  it("never lets the creator decide, not through a token either; another admin approves and the job runs", async () => {
    const { tenant, creator, second } = await setup(1);
    const users = await usersOf(tenant.id, 3);
    const job = await confirmEmails(tenant.id, creator.actor, emailsOf(users));
    const decide = (approver: Approver, decision: "approved" | "rejected", note: string | null = null) =>
      decideLeaverJob(db, { tenantId: tenant.id, jobId: job.id, decision, note, approver, requestId: "req-decide" });
    expect((await decide(creator.approver, "approved")).status).toBe("own-job");
    const viaToken: Approver = { actor: { type: "token", id: creator.tokenId, name: "Carla Creator", userId: creator.user.id }, adminId: creator.admin.id };
    expect((await decide(viaToken, "approved")).status).toBe("own-job");
    expect((await decide(creator.approver, "rejected", "no")).status).toBe("own-job");
    expect((await getLeaverJob(db, tenant.id, job.id))?.status).toBe("awaiting_approval");

    const approved = await decide(second.approver, "approved", "checked with HR");
    expect(approved).toMatchObject({ status: "decided", job: { status: "queued" } });
    expect((await getLeaverJobApprovals(db, [job.id])).get(job.id)).toMatchObject({
      decision: "approved",
      decidedByAdminId: second.admin.id,
      decidedByName: "Sam Second",
      note: "checked with HR",
    });
    expect((await decide(second.approver, "rejected", "too late")).status).toBe("not-awaiting");
    await runLeaverJob(db, job.id);
    expect((await getLeaverJob(db, tenant.id, job.id))?.counts).toEqual({ deactivated: 3 });
    const events = await eventsOf(job.id, "leaver_job.approved");
    expect(events.map((e) => [e.actorName, JSON.parse(e.details).note])).toEqual([["Sam Second", "checked with HR"]]);
  });

  it("a rejection ends the job with its note, every row skipped and no user changed", async () => {
    const { tenant, creator, second } = await setup(1);
    const users = await usersOf(tenant.id, 2);
    const job = await confirmEmails(tenant.id, creator.actor, emailsOf(users));
    const result = await decideLeaverJob(db, {
      tenantId: tenant.id,
      jobId: job.id,
      decision: "rejected",
      note: "two of them are on leave",
      approver: second.approver,
      requestId: null,
    });
    expect(result).toMatchObject({ status: "decided", job: { status: "rejected", processedRows: 2 } });
    expect((await getLeaverJob(db, tenant.id, job.id))?.counts).toEqual({ skipped: 2 });
    expect((await listLeaverJobRows(db, job.id, { limit: 10 })).map((r) => r.outcomeReason)).toEqual(["approval rejected", "approval rejected"]);
    const active = await prepared<{ n: number }>(db, "select count(*) as n from users where tenant_id = ? and active = true").get(tenant.id);
    expect(active?.n).toBe(4);
    expect((await eventsOf(job.id, "leaver_job.rejected")).map((e) => JSON.parse(e.details).note)).toEqual(["two of them are on leave"]);
  });

  it(`approve and reject at once: exactly one decision and one audit event (${TEST_DIALECT}, 12 rounds)`, async () => {
    const { tenant, creator, second } = await setup(1);
    const third = await admin(tenant.id, "Tess Third");
    const users = await usersOf(tenant.id, 2);
    for (let round = 0; round < 12; round++) {
      const job = await confirmEmails(tenant.id, creator.actor, emailsOf(users));
      const input = { tenantId: tenant.id, jobId: job.id, requestId: null };
      const results = await Promise.all([
        decideLeaverJob(db, { ...input, decision: "approved", note: null, approver: second.approver }),
        decideLeaverJob(db, { ...input, decision: "rejected", note: "no", approver: third.approver }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["decided", "not-awaiting"]);
      const winner = results.find((r) => r.status === "decided")!;
      const decided = await prepared<{ n: number }>(
        db,
        "select count(*) as n from audit_events where target_id = ? and action in ('leaver_job.approved', 'leaver_job.rejected')",
      ).get(job.id);
      expect(decided?.n).toBe(1);
      expect((await getLeaverJob(db, tenant.id, job.id))?.status).toBe(winner.status === "decided" && winner.job.status);
      // Leave the users active for the next round.
      if (winner.status === "decided" && winner.job.status === "queued") {
        await runLeaverJob(db, job.id);
        for (const user of users) await reactivateUser(db, { tenantId: tenant.id, userId: user.id, actor: creator.actor });
      }
    }
  });

  it("expires an undecided request after 72 hours, once, under an injected clock", async () => {
    const { tenant, creator, second } = await setup(1);
    const start = Date.now();
    const job = await confirmEmails(tenant.id, creator.actor, emailsOf(await usersOf(tenant.id, 2)), start);
    expect(await expireDueLeaverApprovals(db, start + LEAVER_APPROVAL_TTL_MS - 1, { tenantId: tenant.id })).toBe(0);
    const late = start + LEAVER_APPROVAL_TTL_MS;
    const approve = await decideLeaverJob(
      db,
      { tenantId: tenant.id, jobId: job.id, decision: "approved", note: null, approver: second.approver, requestId: null },
      late,
    );
    expect(approve).toMatchObject({ status: "expired", job: { status: "expired" } });
    expect(await expireDueLeaverApprovals(db, late + 1000, { tenantId: tenant.id })).toBe(0);
    expect((await getLeaverJob(db, tenant.id, job.id))?.counts).toEqual({ skipped: 2 });
    const expired = await eventsOf(job.id, "leaver_job.approval_expired");
    expect(expired).toHaveLength(1);
    expect(JSON.parse(expired[0]!.details).note).toMatch(/72 hours/);

    // The sweep does the same for a request nobody touches.
    const other = await confirmEmails(tenant.id, creator.actor, emailsOf(await usersOf(tenant.id, 2)), start);
    expect(await expireDueLeaverApprovals(db, late, { tenantId: tenant.id })).toBe(1);
    expect((await getLeaverJob(db, tenant.id, other.id))?.status).toBe("expired");
    expect(await eventsOf(other.id, "leaver_job.approval_expired")).toHaveLength(1);
  });

  it("runs the approved preview: rows whose user changed since are reported, not acted upon", async () => {
    const { tenant, creator, second } = await setup(1);
    const [keep, goneInactive, ...rest] = await usersOf(tenant.id, 3);
    const [comesBack] = await usersOf(tenant.id, 1, false);
    const job = await confirmEmails(tenant.id, creator.actor, emailsOf([keep!, goneInactive!, comesBack!, ...rest]));
    await decideLeaverJob(db, { tenantId: tenant.id, jobId: job.id, decision: "approved", note: null, approver: second.approver, requestId: null });
    // Between the approval and the run: one leaver deactivated by hand, one previewed inactive reactivated.
    await deactivateUser(db, { tenantId: tenant.id, userId: goneInactive!.id, actor: creator.actor });
    await reactivateUser(db, { tenantId: tenant.id, userId: comesBack!.id, actor: creator.actor });
    await runLeaverJob(db, job.id);
    const rows = await listLeaverJobRows(db, job.id, { limit: 10 });
    expect(rows.map((r) => [r.email, r.class, r.outcome, r.outcomeReason])).toEqual([
      [keep!.email, "will_deactivate", "deactivated", null],
      [goneInactive!.email, "will_deactivate", "changed_since_preview", "previewed as will_deactivate; now already_inactive"],
      [comesBack!.email, "already_inactive", "changed_since_preview", "previewed as already_inactive; now active"],
      [rest[0]!.email, "will_deactivate", "deactivated", null],
    ]);
    const active = await prepared<{ active: number | boolean }>(db, "select active from users where id = ?").get(comesBack!.id);
    expect(Boolean(active?.active)).toBe(true);
  });

  it("sets the threshold with one audited change; the same value again records nothing", async () => {
    const { tenant } = await setup(null);
    const actor = { type: "system" as const, name: "test" };
    expect((await setTenantApprovalThreshold(db, tenant.id, 250, actor))?.changed).toBe(true);
    expect((await setTenantApprovalThreshold(db, tenant.id, 250, actor))?.changed).toBe(false);
    expect((await setTenantApprovalThreshold(db, tenant.id, null, actor))?.tenant.approvalThreshold).toBe(null);
    const events = await prepared<{ details: string }>(
      db,
      "select details from audit_events where tenant_id = ? and action = 'tenant.approval_threshold_changed' order by created_at, id",
    ).all(tenant.id);
    expect(events.map((e) => JSON.parse(e.details))).toEqual([
      { from: null, to: 250 },
      { from: 250, to: null },
    ]);
  });
});
