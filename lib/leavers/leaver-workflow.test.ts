import { describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { decideLeaverJob, type Approver } from "@/db/queries/leaver-approvals";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { listLeaverJobRows, type LeaverActor } from "@/db/queries/leaver-jobs";
import { createLeaverPreview } from "@/db/queries/leaver-previews";
import { runDueScheduledDeactivations } from "@/db/queries/scheduled-run";
import { setTenantTimeZone } from "@/db/queries/tenant-time-zone";
import { findUsersByEmails } from "@/db/queries/user-lookup";
import { verifyAuditLog } from "@/lib/audit/verify";
import { parseEffectiveAt } from "@/lib/scheduled/effective-at";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { classifyLeaverRows, emailsToLookUp } from "./classify";
import { parseLeaverCsv } from "./parse-csv";
import { runLeaverJob } from "./worker";

// Issue 12's "done when", in one run on whichever database the suite uses: a leaver file mixing
// past, today's and future effective dates, uploaded by one admin and approved by another,
// deactivates each user at its time; the audit chain verifies, and fails after a one-byte edit.

const ZONE = "Europe/Berlin";
const HOUR = 3_600_000;
const db = createTestDb();

async function admin(tenantId: string, name: string): Promise<Approver> {
  const { admin, user } = await makeAdminWithToken(db, tenantId);
  return { actor: { type: "admin", id: admin.id, name, userId: user.id } satisfies LeaverActor, adminId: admin.id };
}

/** The date in the zone, as a leaver file writes it (YYYY-MM-DD). */
const dateIn = (at: number) => new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);

const isActive = async (userId: string) =>
  Boolean((await prepared<{ active: number | boolean }>(db, "select active from users where id = ?").get(userId))!.active);

describe(`a leaver file with effective dates, approved by a second admin (${TEST_DIALECT})`, () => {
  it("deactivates each user at its time, exactly once, and leaves a verifiable audit chain", async () => {
    const tenant = await makeTenant(db, undefined, { approvalThreshold: 3 });
    await setTenantTimeZone(db, tenant.id, ZONE, { type: "system", name: "test" });
    const [creator, second] = [await admin(tenant.id, "Carla Creator"), await admin(tenant.id, "Sam Second")];
    const now = Date.now();
    const effectiveAt = {
      past: "2020-01-31",
      blank: "",
      today: dateIn(now),
      inTwoHours: new Date(now + 2 * HOUR).toISOString(),
      inThreeDays: dateIn(now + 72 * HOUR),
    };
    const users = Object.fromEntries(await Promise.all(Object.keys(effectiveAt).map(async (key) => [key, await makeUser(db, tenant.id)] as const)));
    const csv = `email,effective_at\n${Object.entries(effectiveAt)
      .map(([key, at]) => `${users[key]!.email},${at}`)
      .join("\n")}\n`;

    const file = await parseLeaverCsv(new TextEncoder().encode(csv));
    const found = await findUsersByEmails(db, tenant.id, emailsToLookUp(file.rows));
    const { rows, counts } = classifyLeaverRows(file.rows, found, creator.actor.userId, { now, timeZone: ZONE });
    expect(counts).toMatchObject({ will_deactivate: 2, scheduled: 3 });
    const preview = await createLeaverPreview(
      db,
      { tenantId: tenant.id, actor: creator.actor, fileName: "leavers.csv", sha256: file.sha256 },
      async (write) => {
        await write(rows);
        return { totalRows: rows.length, counts };
      },
    );
    const confirmed = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor: creator.actor, requestId: null }, now);
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    const jobId = confirmed.job.id;
    expect(confirmed.job.status).toBe("awaiting_approval");

    // Nothing runs before the second admin; the creator cannot be it.
    expect(await runLeaverJob(db, jobId)).toBe(1);
    expect(await Promise.all(Object.values(users).map((user) => isActive(user.id)))).toEqual([true, true, true, true, true]);
    const decide = (approver: Approver) =>
      decideLeaverJob(db, { tenantId: tenant.id, jobId, decision: "approved", note: "HR list of 1 Dec", approver, requestId: null }, now);
    expect((await decide(creator)).status).toBe("own-job");
    expect((await decide(second)).status).toBe("decided");

    await runLeaverJob(db, jobId);
    const outcomes = Object.fromEntries((await listLeaverJobRows(db, jobId, { limit: 100 })).map((row) => [row.email, row.outcome]));
    expect(Object.fromEntries(Object.entries(users).map(([key, user]) => [key, outcomes[user.email]]))).toEqual({
      past: "deactivated",
      blank: "deactivated",
      today: "scheduled",
      inTwoHours: "scheduled",
      inThreeDays: "scheduled",
    });

    // Each scheduled user: still active a second before its time, inactive from its time on.
    // Walked in order of time: after 22:00 in the zone, "in two hours" falls after the end of today.
    const dueTimes = (["inTwoHours", "today", "inThreeDays"] as const).map((key) => {
      const due = parseEffectiveAt(effectiveAt[key], ZONE);
      if (!due.ok || due.at === null) throw new Error(`${key}: ${JSON.stringify(due)}`);
      return { key, at: due.at };
    });
    for (const { key, at } of dueTimes.sort((a, b) => a.at - b.at)) {
      await runDueScheduledDeactivations(db, at - 1_000);
      expect(await isActive(users[key]!.id), `${key} before its time`).toBe(true);
      await runDueScheduledDeactivations(db, at);
      expect(await isActive(users[key]!.id), `${key} at its time`).toBe(false);
    }
    const deactivations = await prepared<{ targetId: string }>(
      db,
      `select target_id as "targetId" from audit_events where tenant_id = ? and action = 'user.deactivate'`,
    ).all(tenant.id);
    expect(deactivations.map((event) => event.targetId).sort()).toEqual(
      Object.values(users)
        .map((user) => user.id)
        .sort(),
    );

    const [clean] = await verifyAuditLog(db, { tenantId: tenant.id });
    expect(clean!.firstBreak).toBeNull();
    expect(clean!.events).toBeGreaterThanOrEqual(5 + 3);
    // One byte of one event's stored details, changed behind Roster's back.
    const edited = (await prepared<{ id: string }>(db, `select id from audit_events where tenant_id = ? and action = 'leaver_job.approved'`).get(tenant.id))!;
    const edit = db.dialect === "postgres" ? "replace(details::text, '1 Dec', '2 Dec')::jsonb" : "replace(details, '1 Dec', '2 Dec')";
    await prepared(db, `update audit_events set details = ${edit} where id = ?`).run(edited.id);
    const [broken] = await verifyAuditLog(db, { tenantId: tenant.id });
    expect(broken!.firstBreak).toMatchObject({ kind: "changed", eventId: edited.id });
  });
});
