import { describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, closeDatabase, type Db } from "@/db/client";
import { classifyLeaverRows, emailsToLookUp } from "@/lib/leavers/classify";
import { parseLeaverCsv } from "@/lib/leavers/parse-csv";
import { runLeaverJob } from "@/lib/leavers/worker";
import { createTestDb, tempDatabaseFile } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { processLeaverJobBatch } from "./leaver-batch";
import { cancelLeaverJob, confirmLeaverPreview, createUndoJob } from "./leaver-job-lifecycle";
import { getLeaverJob, listLeaverJobRows, type LeaverActor } from "./leaver-jobs";
import { createLeaverPreview } from "./leaver-previews";
import { findUsersByEmails } from "./user-lookup";

const db = createTestDb();

function setup(database: Db = db) {
  const tenant = makeTenant(database);
  const { admin, user, token } = makeAdminWithToken(database, tenant.id);
  const actor: LeaverActor = { type: "token", id: admin.id, name: "Ada Admin", userId: user.id };
  return { tenant, actor, token };
}

/** Preview + confirm, as the API does, for the given CSV; returns the queued job. */
function confirmFile(database: Db, tenantId: string, actor: LeaverActor, csv: string) {
  const file = parseLeaverCsv(new TextEncoder().encode(csv));
  const users = findUsersByEmails(database, tenantId, emailsToLookUp(file.rows));
  const { rows, counts } = classifyLeaverRows(file.rows, users, actor.userId);
  const preview = createLeaverPreview(database, { tenantId, actor, fileName: "f.csv", sha256: file.sha256 }, (write) => {
    write(rows);
    return { totalRows: rows.length, counts };
  });
  const result = confirmLeaverPreview(database, { tenantId, previewId: preview.id, actor, requestId: "req-1" });
  if (result.status !== "created") throw new Error(`confirm: ${result.status}`);
  return result.job;
}

const csvOf = (emails: string[]) => `email,reason\n${emails.map((e) => `${e},leaving`).join("\n")}\n`;
const count = (database: Db, sql: string, ...params: unknown[]) => (database.$client.prepare(sql).get(...params) as { n: number }).n;
const outcomesOfRows = (database: Db, jobId: string) =>
  Object.fromEntries(
    (
      database.$client.prepare("select outcome, count(*) as n from leaver_job_rows where job_id = ? group by outcome").all(jobId) as {
        outcome: string;
        n: number;
      }[]
    ).map((r) => [r.outcome, r.n]),
  );
const activeOf = (database: Db, id: string) => (database.$client.prepare("select active from users where id = ?").get(id) as { active: number }).active === 1;

describe("leaver jobs", () => {
  it("processes a job in batches, one outcome per row, with the effects of a deactivation", () => {
    const { tenant, actor } = setup();
    const leavers = Array.from({ length: 23 }, (_, i) => makeUser(db, tenant.id, { email: `leaver${i}@example.test` }));
    const inactive = makeUser(db, tenant.id, { email: "already@example.test", active: false });
    // A leaver who is also an admin: their tokens and sessions are revoked too.
    const leavingAdmin = makeAdminWithToken(db, tenant.id);
    const job = confirmFile(
      db,
      tenant.id,
      actor,
      csvOf([...leavers.map((u) => u.email), inactive.email, "nobody@example.test", "bad", leavers[0]!.email, leavingAdmin.user.email]),
    );
    expect(job).toMatchObject({ status: "queued", totalRows: 28, processedRows: 0 });
    expect(activeOf(db, leavers[0]!.id)).toBe(true);

    expect(processLeaverJobBatch(db, job.id, 10)).toEqual({ done: false, processed: 10, kind: "deactivate", counts: { deactivated: 10 } });
    expect(getLeaverJob(db, tenant.id, job.id)).toMatchObject({ status: "running", processedRows: 10, counts: { deactivated: 10, pending: 18 } });
    expect(runLeaverJob(db, job.id, 10)).toBe(2);

    const done = getLeaverJob(db, tenant.id, job.id)!;
    expect(done).toMatchObject({ status: "completed", processedRows: 28 });
    expect(done.counts).toEqual({ deactivated: 24, already_inactive: 1, not_found: 1, invalid: 1, skipped: 1 });
    expect(leavers.every((u) => !activeOf(db, u.id))).toBe(true);
    const rows = listLeaverJobRows(db, job.id, { limit: 100 });
    expect(rows.every((r) => r.outcome !== null)).toBe(true);
    expect(rows.find((r) => r.rowNumber === 27)).toMatchObject({ outcome: "skipped", outcomeReason: "duplicate of an earlier row" });
    expect(count(db, "select count(*) as n from personal_access_tokens where admin_id = ? and revoked_at is null", leavingAdmin.admin.id)).toBe(0);
    expect(count(db, "select count(*) as n from sessions where admin_id = ? and revoked_at is null", leavingAdmin.admin.id)).toBe(0);
    // One deactivation audit event per deactivated user, plus the job's own events.
    expect(count(db, "select count(*) as n from audit_events where action = 'user.deactivate' and json_extract(details, '$.jobId') = ?", job.id)).toBe(24);
    expect(
      count(db, "select count(distinct target_id) as n from audit_events where action = 'user.deactivate' and json_extract(details, '$.jobId') = ?", job.id),
    ).toBe(24);
    expect(count(db, "select count(*) as n from audit_events where target_id = ? and action in ('job.created', 'job.completed')", job.id)).toBe(2);
    // The counts kept on the job (what progress polling reads) match the rows.
    expect(outcomesOfRows(db, job.id)).toEqual(done.counts);
    // Another run of a finished job changes nothing.
    expect(processLeaverJobBatch(db, job.id, 10)).toEqual({ done: true, processed: 0 });
  });

  it("never processes a row twice: a batch that fails rolls back entirely and is redone", () => {
    const { tenant, actor } = setup();
    const leavers = Array.from({ length: 6 }, (_, i) => makeUser(db, tenant.id, { email: `crash${i}@example.test` }));
    const job = confirmFile(db, tenant.id, actor, csvOf(leavers.map((u) => u.email)));
    processLeaverJobBatch(db, job.id, 2);
    // A batch interrupted mid-way (a crash) leaves no trace.
    expect(() =>
      db.$client.transaction(() => {
        processLeaverJobBatch(db, job.id, 2);
        throw new Error("power cut");
      })(),
    ).toThrow("power cut");
    expect(getLeaverJob(db, tenant.id, job.id)?.counts).toEqual({ deactivated: 2, pending: 4 });
    runLeaverJob(db, job.id, 2);
    expect(count(db, "select count(*) as n from audit_events where action = 'user.deactivate' and json_extract(details, '$.jobId') = ?", job.id)).toBe(6);
    expect(count(db, "select count(*) as n from leaver_job_rows where job_id = ? and outcome = 'deactivated'", job.id)).toBe(6);
  });

  it("a row that fails is recorded as an error with its reason, and the rest of the batch goes on", () => {
    const { tenant, actor } = setup();
    const leavers = Array.from({ length: 5 }, (_, i) => makeUser(db, tenant.id, { email: `err${i}@example.test` }));
    const broken = leavers[2]!;
    db.$client.exec(
      `create trigger leaver_test_fail before insert on audit_events when new.target_id = '${broken.id}' begin select raise(abort, 'audit store unavailable'); end`,
    );
    try {
      const job = confirmFile(db, tenant.id, actor, csvOf(leavers.map((u) => u.email)));
      runLeaverJob(db, job.id, 10);
      expect(getLeaverJob(db, tenant.id, job.id)?.counts).toEqual({ deactivated: 4, error: 1 });
      expect(listLeaverJobRows(db, job.id, { outcome: "error", limit: 10 })).toMatchObject([{ rowNumber: 3, outcomeReason: "audit store unavailable" }]);
      // The failed row's user change was rolled back with it.
      expect(activeOf(db, broken.id)).toBe(true);
      expect(leavers.filter((u) => !activeOf(db, u.id))).toHaveLength(4);
    } finally {
      db.$client.exec("drop trigger leaver_test_fail");
    }
  });

  it("cancel stops before the next batch and marks the remaining rows skipped", () => {
    const { tenant, actor } = setup();
    const leavers = Array.from({ length: 9 }, (_, i) => makeUser(db, tenant.id, { email: `cancel${i}@example.test` }));
    const job = confirmFile(db, tenant.id, actor, csvOf(leavers.map((u) => u.email)));
    processLeaverJobBatch(db, job.id, 4);
    const cancelled = cancelLeaverJob(db, { tenantId: tenant.id, jobId: job.id, actor, requestId: null });
    expect(cancelled).toMatchObject({ status: "cancelled", job: { status: "cancelled", processedRows: 9 } });
    expect(processLeaverJobBatch(db, job.id, 4)).toEqual({ done: true, processed: 0 });
    expect(getLeaverJob(db, tenant.id, job.id)?.counts).toEqual({ deactivated: 4, skipped: 5 });
    expect(leavers.filter((u) => !activeOf(db, u.id))).toHaveLength(4);
    expect(cancelLeaverJob(db, { tenantId: tenant.id, jobId: job.id, actor, requestId: null }).status).toBe("finished");
    expect(count(db, "select count(*) as n from audit_events where target_id = ? and action = 'job.cancelled'", job.id)).toBe(1);
  });

  it("undo reactivates exactly the users the job deactivated, once", () => {
    const { tenant, actor } = setup();
    const leavers = Array.from({ length: 4 }, (_, i) => makeUser(db, tenant.id, { email: `undo${i}@example.test` }));
    const wasInactive = makeUser(db, tenant.id, { email: "undo-inactive@example.test", active: false });
    const job = confirmFile(db, tenant.id, actor, csvOf([...leavers.map((u) => u.email), wasInactive.email]));
    expect(createUndoJob(db, { tenantId: tenant.id, jobId: job.id, actor, requestId: null }).status).toBe("not-finished");
    runLeaverJob(db, job.id);
    // Someone reactivates leaver 3 by hand meanwhile: undo leaves them as they are.
    db.$client.prepare("update users set active = 1, deactivated_at = null where id = ?").run(leavers[3]!.id);
    const undo = createUndoJob(db, { tenantId: tenant.id, jobId: job.id, actor, requestId: null });
    if (undo.status !== "created") throw new Error(undo.status);
    expect(undo.job).toMatchObject({ kind: "reactivate", undoOfJobId: job.id, totalRows: 4 });
    expect(createUndoJob(db, { tenantId: tenant.id, jobId: job.id, actor, requestId: null })).toEqual({ status: "already-undone", jobId: undo.job.id });
    runLeaverJob(db, undo.job.id);
    expect(getLeaverJob(db, tenant.id, undo.job.id)).toMatchObject({ status: "completed", counts: { reactivated: 3, already_active: 1 } });
    expect(leavers.every((u) => activeOf(db, u.id))).toBe(true);
    expect(activeOf(db, wasInactive.id)).toBe(false);
    expect(count(db, "select count(*) as n from audit_events where action = 'user.reactivate' and json_extract(details, '$.jobId') = ?", undo.job.id)).toBe(3);
    expect(count(db, "select count(*) as n from audit_events where target_id = ? and action = 'job.undone'", job.id)).toBe(1);
    expect(createUndoJob(db, { tenantId: tenant.id, jobId: undo.job.id, actor, requestId: null }).status).toBe("not-undoable");
  });

  it("keeps tenants apart", () => {
    const a = setup();
    const b = setup();
    const job = confirmFile(db, a.tenant.id, a.actor, csvOf(["x@example.test"]));
    expect(getLeaverJob(db, b.tenant.id, job.id)).toBeUndefined();
    expect(cancelLeaverJob(db, { tenantId: b.tenant.id, jobId: job.id, actor: b.actor, requestId: null }).status).toBe("not-found");
    expect(createUndoJob(db, { tenantId: b.tenant.id, jobId: job.id, actor: b.actor, requestId: null }).status).toBe("not-found");
  });

  it("a preview is confirmed once, by the admin who uploaded it", () => {
    const { tenant, actor } = setup();
    const file = parseLeaverCsv(new TextEncoder().encode("email\nq@example.test\n"));
    const { rows, counts } = classifyLeaverRows(file.rows, new Map(), actor.userId);
    const preview = createLeaverPreview(db, { tenantId: tenant.id, actor, fileName: null, sha256: file.sha256 }, (write) => {
      write(rows);
      return { totalRows: rows.length, counts };
    });
    const colleague = { ...actor, userId: "00000000-0000-4000-8000-000000000000" };
    expect(confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor: colleague, requestId: null }).status).toBe("not-owner");
    const first = confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null });
    expect(first.status).toBe("created");
    expect(confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null }).status).toBe("already-confirmed");
  });

  it("two jobs naming the same users, run at once on two connections, deactivate each user once", () => {
    const file = tempDatabaseFile("leaver-race");
    const one = openDatabase(file);
    migrateDatabase(one);
    const two = openDatabase(file);
    try {
      const { tenant, actor } = setup(one);
      const leavers = Array.from({ length: 30 }, (_, i) => makeUser(one, tenant.id, { email: `race${i}@example.test` }));
      const emails = leavers.map((u) => u.email);
      const jobA = confirmFile(one, tenant.id, actor, csvOf(emails));
      const jobB = confirmFile(two, tenant.id, actor, csvOf([...emails].reverse()));
      // Interleave batches of both jobs, as two workers would.
      let doneA = false;
      let doneB = false;
      while (!doneA || !doneB) {
        if (!doneA) doneA = processLeaverJobBatch(one, jobA.id, 7).done;
        if (!doneB) doneB = processLeaverJobBatch(two, jobB.id, 7).done;
      }
      const a = getLeaverJob(one, tenant.id, jobA.id)!.counts;
      const b = getLeaverJob(one, tenant.id, jobB.id)!.counts;
      expect((a.deactivated ?? 0) + (b.deactivated ?? 0)).toBe(30);
      expect((a.already_inactive ?? 0) + (b.already_inactive ?? 0)).toBe(30);
      expect(count(one, "select count(*) as n from audit_events where action = 'user.deactivate' and tenant_id = ?", tenant.id)).toBe(30);
      expect(count(one, "select count(distinct target_id) as n from audit_events where action = 'user.deactivate' and tenant_id = ?", tenant.id)).toBe(30);
    } finally {
      closeDatabase(two);
      closeDatabase(one);
    }
  });
});
