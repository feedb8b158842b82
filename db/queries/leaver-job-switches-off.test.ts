import { describe, expect, it } from "vitest";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { postgresPlan, sqlitePlan } from "@/test/search";
import { processLeaverJobBatch } from "./leaver-batch";
import { cancelLeaverJob, confirmLeaverPreview, createUndoJob } from "./leaver-job-lifecycle";
import { leaverJobSwitchesOff, switchesOffStatement, type LeaverActor } from "./leaver-jobs";

// Which jobs switch a user off: what makes cancelling, undoing or rejecting one that user's own business.

const db = createTestDb();
const DAY = 24 * 60 * 60 * 1000;

async function setUp() {
  const tenant = await makeTenant(db);
  const uploader = await makeAdminWithToken(db, tenant.id);
  const actor: LeaverActor = { type: "admin", id: uploader.admin.id, name: "Bo", userId: uploader.user.id };
  const [now, later, inactive, bystander] = await Promise.all([
    makeUser(db, tenant.id),
    makeUser(db, tenant.id),
    makeUser(db, tenant.id, { active: false }),
    makeUser(db, tenant.id),
  ]);
  // The uploader's own row is classified "self" and skipped: it switches no one off.
  const csv = [
    "email,effective_at",
    `${now!.email},`,
    `${later!.email},${new Date(Date.now() + 30 * DAY).toISOString()}`,
    `${inactive!.email},`,
    `${uploader.user.email},`,
  ];
  const { preview } = await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: "f.csv", bytes: new TextEncoder().encode(csv.join("\n")) });
  const confirmed = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null });
  if (confirmed.status !== "created") throw new Error(confirmed.status);
  return { tenant, actor, job: confirmed.job, users: { now: now!, later: later!, inactive: inactive!, bystander: bystander!, uploader: uploader.user } };
}

const switchedOff = async (job: { id: string; kind: "deactivate" | "reactivate" }, users: Record<string, { id: string }>) =>
  Object.fromEntries(await Promise.all(Object.entries(users).map(async ([name, user]) => [name, await leaverJobSwitchesOff(db, job, user.id)] as const)));

describe("leaverJobSwitchesOff", () => {
  it("names the users a pending job would deactivate or schedule, and still those it did once it ran", async () => {
    const { job, users } = await setUp();
    const expected = { now: true, later: true, inactive: false, bystander: false, uploader: false };
    expect(await switchedOff(job, users)).toEqual(expected);
    while (!(await processLeaverJobBatch(db, job.id, 500)).done);
    expect(await switchedOff(job, users)).toEqual(expected);
  });

  it("names no one once a cancel skipped their rows, nor in an undo job, which switches users on", async () => {
    const cancelled = await setUp();
    const { tenant, actor } = cancelled;
    expect(await cancelLeaverJob(db, { tenantId: tenant.id, jobId: cancelled.job.id, actor, requestId: null })).toMatchObject({ status: "cancelled" });
    expect(Object.values(await switchedOff(cancelled.job, cancelled.users))).not.toContain(true);

    const { job, users, ...ran } = await setUp();
    while (!(await processLeaverJobBatch(db, job.id, 500)).done);
    const undo = await createUndoJob(db, { tenantId: ran.tenant.id, jobId: job.id, actor: ran.actor, requestId: null });
    if (undo.status !== "created") throw new Error(undo.status);
    expect(undo.job.totalRows).toBe(1);
    expect(Object.values(await switchedOff(undo.job, users))).not.toContain(true);
  });

  it("walks the one job's rows by the primary key", async () => {
    const { job, users } = await setUp();
    const statement = switchesOffStatement(job.id, users.bystander.id);
    if (TEST_DIALECT === "sqlite") expect(sqlitePlan(db, statement)).toBe("SEARCH leaver_job_rows USING INDEX sqlite_autoindex_leaver_job_rows_1 (job_id=?)");
    else expect(await postgresPlan(db, statement, { indexesOnly: true })).toEqual(["Limit", "Index Scan leaver_job_rows_job_id_row_number_pk"]);
  });
});
