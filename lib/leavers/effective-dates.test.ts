import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { processLeaverJobBatch } from "@/db/queries/leaver-batch";
import { confirmLeaverPreview, createUndoJob } from "@/db/queries/leaver-job-lifecycle";
import { getLeaverJob, listLeaverJobRows, type LeaverActor } from "@/db/queries/leaver-jobs";
import { listLeaverPreviewPage } from "@/db/queries/leaver-previews";
import { listScheduledDeactivations, liveScheduleOfUser, scheduleDeactivation, schedulesOfJob } from "@/db/queries/scheduled-deactivations";
import { prepared } from "@/db/prepared";
import { runDueScheduledDeactivations } from "@/db/queries/scheduled-run";
import { setTenantTimeZone } from "@/db/queries/tenant-time-zone";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { previewLeaverFile } from "./preview";
import { previewRowView } from "./views";

// A leaver file's effective_at column, from the upload to the scheduled deactivations its job makes.

const NOW = Date.parse("2026-12-03T10:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

async function setUp(db: Db) {
  const tenant = await makeTenant(db);
  await setTenantTimeZone(db, tenant.id, "Europe/Berlin", { type: "system", name: "test" });
  const { admin, user } = await makeAdminWithToken(db, tenant.id);
  const actor: LeaverActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
  const users = await Promise.all(
    ["past", "future", "exact", "bad", "plain", "soon"].map((name) => makeUser(db, tenant.id, { email: `${name}@example.test` })),
  );
  const csv = [
    "email,effective_at,ticket",
    "past@example.test,2026-12-01,T-1",
    "future@example.test,2026-12-10,T-2",
    "exact@example.test,2026-12-05T09:00+05:30,T-3",
    "bad@example.test,10/12/2026,T-4",
    "plain@example.test,,T-5",
    "soon@example.test,2026-12-03T10:30Z,T-6",
  ].join("\n");
  const { preview } = await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: "leavers.csv", bytes: new TextEncoder().encode(csv) }, NOW);
  return { tenant, actor, users, preview };
}

async function runJob(db: Db, jobId: string, now: number) {
  while (!(await processLeaverJobBatch(db, jobId, 500, now)).done);
}

describe("effective_at in a leaver file", () => {
  const db = createTestDb();

  it("classifies future rows as scheduled, past ones as now, and refuses an invalid value with the reason", async () => {
    const { preview } = await setUp(db);
    expect(preview.counts).toMatchObject({ will_deactivate: 2, scheduled: 3, invalid_effective_at: 1 });
    const rows = (await listLeaverPreviewPage(db, preview, { offset: 0, limit: 10 })).map(previewRowView);
    const byEmail = Object.fromEntries(rows.map((row) => [row.email, row]));
    // A date ends at 23:59:59.999 in the tenant's zone (Berlin: UTC+1 in December).
    expect(byEmail["future@example.test"]).toMatchObject({ class: "scheduled", effective_at: "2026-12-10T22:59:59.999Z" });
    expect(byEmail["exact@example.test"]).toMatchObject({ class: "scheduled", effective_at: "2026-12-05T03:30:00.000Z" });
    expect(byEmail["past@example.test"]).toMatchObject({ class: "will_deactivate", effective_at: "2026-12-01T22:59:59.999Z" });
    expect(byEmail["plain@example.test"]).toMatchObject({ class: "will_deactivate", effective_at: null });
    expect(byEmail["bad@example.test"]).toMatchObject({
      class: "invalid_effective_at",
      user_id: null,
      effective_at_problem: expect.stringContaining("10/12/2026 is not an ISO date"),
    });
    // Problem rows first: the invalid one leads the review order.
    expect(rows[0]!.email).toBe("bad@example.test");
  });

  it("makes the job's future rows scheduled deactivations that link back to it, run at their time", async () => {
    const { tenant, actor, preview } = await setUp(db);
    const confirmed = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null }, NOW);
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    // The job runs an hour later: the row due at 10:30 has come due meanwhile and runs now.
    await runJob(db, confirmed.job.id, NOW + 60 * 60 * 1000);
    expect((await getLeaverJob(db, tenant.id, confirmed.job.id))!.counts).toEqual({ deactivated: 3, scheduled: 2, invalid: 1 });
    const rows = await listLeaverJobRows(db, confirmed.job.id, { limit: 10 });
    expect(rows.find((row) => row.email === "future@example.test")).toMatchObject({
      outcome: "scheduled",
      outcomeReason: expect.stringContaining("2026-12-10T22:59:59.999Z"),
    });
    const schedules = await schedulesOfJob(db, tenant.id, confirmed.job.id);
    expect(schedules.map((s) => [s.rowNumber, s.source, s.ticket, s.status])).toEqual([
      [2, "job", "T-2", "scheduled"],
      [3, "job", "T-3", "scheduled"],
    ]);
    const listed = await listScheduledDeactivations(db, tenant.id, { limit: 1 });
    expect(listed.items.map((item) => item.email)).toEqual(["exact@example.test"]);
    const rest = await listScheduledDeactivations(db, tenant.id, { limit: 1, after: listed.next! });
    expect([rest.items.map((item) => item.email), rest.next]).toEqual([["future@example.test"], null]);

    expect((await runDueScheduledDeactivations(db, Date.parse("2026-12-05T03:30:00Z"))).counts).toEqual({ executed: 1 });
    expect((await runDueScheduledDeactivations(db, Date.parse("2026-12-10T22:59:59.999Z"))).counts).toEqual({ executed: 1 });
  });

  it("cancels the job's pending schedules when the job is undone", async () => {
    const { tenant, actor, preview } = await setUp(db);
    const confirmed = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null }, NOW);
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    await runJob(db, confirmed.job.id, NOW);
    expect((await schedulesOfJob(db, tenant.id, confirmed.job.id)).map((s) => s.status)).toEqual(["scheduled", "scheduled", "scheduled"]);
    const undo = await createUndoJob(db, { tenantId: tenant.id, jobId: confirmed.job.id, actor, requestId: null }, NOW + 1);
    expect(undo.status).toBe("created");
    expect((await schedulesOfJob(db, tenant.id, confirmed.job.id)).map((s) => s.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
    expect((await runDueScheduledDeactivations(db, NOW + 30 * DAY)).claimed).toBe(0);
  });

  it("brings back, on undo, a schedule the job's schedule had replaced, unless its time has passed", async () => {
    const { tenant, actor, users, preview } = await setUp(db);
    const [, future, exact] = users;
    // Before the job: one leaver due on the 20th, another at 10:30 today (before the undo below).
    const console = (userId: string, effectiveAt: number, ticket: string) =>
      scheduleDeactivation(db, { tenantId: tenant.id, userId, effectiveAt, actor, requestId: null, source: "console", ticket }, NOW - DAY);
    const later = await console(future!.id, NOW + 17 * DAY, "HR-20");
    await console(exact!.id, NOW + DAY / 48, "HR-today");
    const confirmed = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null }, NOW);
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    await runJob(db, confirmed.job.id, NOW);
    expect((await liveScheduleOfUser(db, tenant.id, future!.id))?.jobId).toBe(confirmed.job.id);

    const undone = await createUndoJob(db, { tenantId: tenant.id, jobId: confirmed.job.id, actor, requestId: null }, NOW + DAY / 24);
    if (undone.status !== "created") throw new Error(undone.status);
    const restored = (await liveScheduleOfUser(db, tenant.id, future!.id))!;
    expect(restored).toMatchObject({ effectiveAt: NOW + 17 * DAY, source: "console", ticket: "HR-20", actorUserId: actor.userId, status: "scheduled" });
    expect(restored.id).not.toBe(later.status === "scheduled" ? later.schedule.id : "");
    expect(await liveScheduleOfUser(db, tenant.id, exact!.id)).toBeUndefined();
    const event = await prepared<{ details: string }>(
      db,
      "select details from audit_events where tenant_id = ? and action = 'user.deactivation_scheduled' and target_id = ? order by chain_seq desc limit 1",
    ).get(tenant.id, future!.id);
    expect(JSON.parse(event!.details)).toMatchObject({ restores: later.status === "scheduled" ? later.schedule.id : "", undoJobId: undone.job.id });
    expect((await runDueScheduledDeactivations(db, NOW + 30 * DAY)).counts).toEqual({ executed: 1 });
  });
});
