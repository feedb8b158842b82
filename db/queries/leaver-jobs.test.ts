import { beforeAll, describe, expect, it } from "vitest";
import { type Db } from "@/db/client";
import { classifyLeaverRows, emailsToLookUp } from "@/lib/leavers/classify";
import { parseLeaverCsv } from "@/lib/leavers/parse-csv";
import { runLeaverJob } from "@/lib/leavers/worker";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { postgresPlan, sqlitePlan } from "@/test/search";
import { twoProcessDatabases } from "@/test/two-processes";
import { prepared } from "../prepared";
import { processLeaverJobBatch } from "./leaver-batch";
import { cancelLeaverJob, confirmLeaverPreview, createUndoJob } from "./leaver-job-lifecycle";
import { getLeaverJob, jobRowsPageStatement, leaverJobListStatement, listLeaverJobRows, listLeaverJobs, type LeaverActor } from "./leaver-jobs";
import { createLeaverPreview } from "./leaver-previews";
import { findUsersByEmails } from "./user-lookup";
import { deactivateUser, reactivateUser } from "./user-status";

const db = createTestDb();

async function setup(database: Db = db) {
  const tenant = await makeTenant(database);
  const { admin, user, token } = await makeAdminWithToken(database, tenant.id);
  const actor: LeaverActor = { type: "token", id: admin.id, name: "Ada Admin", userId: user.id };
  return { tenant, actor, token };
}

/** Preview + confirm, as the API does, for the given CSV; returns the queued job. */
async function confirmFile(database: Db, tenantId: string, actor: LeaverActor, csv: string) {
  const file = await parseLeaverCsv(new TextEncoder().encode(csv));
  const users = await findUsersByEmails(database, tenantId, emailsToLookUp(file.rows));
  const { rows, counts } = classifyLeaverRows(file.rows, users, actor.userId);
  const preview = await createLeaverPreview(database, { tenantId, actor, fileName: "f.csv", sha256: file.sha256 }, async (write) => {
    await write(rows);
    return { totalRows: rows.length, counts };
  });
  const result = await confirmLeaverPreview(database, { tenantId, previewId: preview.id, actor, requestId: "req-1" });
  if (result.status !== "created") throw new Error(`confirm: ${result.status}`);
  return result.job;
}

const csvOf = (emails: string[]) => `email,reason\n${emails.map((e) => `${e},leaving`).join("\n")}\n`;
const count = async (database: Db, sql: string, ...params: string[]) => (await prepared<{ n: number }>(database, sql).get(...params))!.n;
// The job an audit event names in its details (JSON text on SQLite, jsonb on PostgreSQL).
const EVENT_JOB_ID = TEST_DIALECT === "postgres" ? "details->>'jobId'" : "json_extract(details, '$.jobId')";
const userEventsOfJob = (database: Db, action: string, jobId: string, what = "count(*)") =>
  count(database, `select ${what} as n from audit_events where action = ? and ${EVENT_JOB_ID} = ?`, action, jobId);
const outcomesOfRows = async (database: Db, jobId: string) =>
  Object.fromEntries(
    (
      await prepared<{ outcome: string; n: number }>(database, "select outcome, count(*) as n from leaver_job_rows where job_id = ? group by outcome").all(
        jobId,
      )
    ).map((r) => [r.outcome, r.n]),
  );
const userEventDetails = async (database: Db, userId: string) =>
  (await prepared<{ details: string }>(database, "select details from audit_events where target_id = ? order by created_at, id").all(userId)).map(
    (row) => JSON.parse(row.details) as unknown,
  );
const activeOf = async (database: Db, id: string) =>
  (await prepared<{ active: number }>(database, "select active from users where id = ?").get(id))!.active === 1;
const inactiveCount = async (database: Db, ids: { id: string }[]) => (await Promise.all(ids.map((u) => activeOf(database, u.id)))).filter((a) => !a).length;

// A trigger that fails one user's audit event: a row that throws in the middle of a batch.
const FAILING_AUDIT: Record<Db["dialect"], { create: (userId: string) => string; drop: string }> = {
  sqlite: {
    create: (userId) =>
      `create trigger leaver_test_fail before insert on audit_events when new.target_id = '${userId}' begin select raise(abort, 'audit store unavailable'); end`,
    drop: "drop trigger leaver_test_fail",
  },
  postgres: {
    create: (userId) => `create function leaver_test_fail() returns trigger language plpgsql as $$ begin raise exception 'audit store unavailable'; end $$;
      create trigger leaver_test_fail before insert on audit_events for each row when (new.target_id = '${userId}') execute function leaver_test_fail();`,
    drop: "drop trigger leaver_test_fail on audit_events; drop function leaver_test_fail();",
  },
};

describe("leaver jobs", () => {
  it("processes a job in batches, one outcome per row, with the effects of a deactivation", async () => {
    const { tenant, actor } = await setup();
    const leavers = await Promise.all(Array.from({ length: 23 }, (_, i) => makeUser(db, tenant.id, { email: `leaver${i}@example.test` })));
    const inactive = await makeUser(db, tenant.id, { email: "already@example.test", active: false });
    // A leaver who is also an admin: their tokens and sessions are revoked too.
    const leavingAdmin = await makeAdminWithToken(db, tenant.id);
    const job = await confirmFile(
      db,
      tenant.id,
      actor,
      csvOf([...leavers.map((u) => u.email), inactive.email, "nobody@example.test", "bad", leavers[0]!.email, leavingAdmin.user.email]),
    );
    expect(job).toMatchObject({ status: "queued", totalRows: 28, processedRows: 0 });
    expect(await activeOf(db, leavers[0]!.id)).toBe(true);

    const first = await processLeaverJobBatch(db, job.id, 10);
    expect(first).toMatchObject({ done: false, processed: 10, kind: "deactivate" });
    expect(Object.values(first.counts!).reduce((sum, n) => sum + n, 0)).toBe(10);
    expect(await getLeaverJob(db, tenant.id, job.id)).toMatchObject({ status: "running", processedRows: 10, counts: { ...first.counts, pending: 18 } });
    expect(await runLeaverJob(db, job.id, 10)).toBe(2);

    const done = (await getLeaverJob(db, tenant.id, job.id))!;
    expect(done).toMatchObject({ status: "completed", processedRows: 28 });
    expect(done.counts).toEqual({ deactivated: 24, already_inactive: 1, not_found: 1, invalid: 1, skipped: 1 });
    expect(await inactiveCount(db, leavers)).toBe(23);
    const rows = await listLeaverJobRows(db, job.id, { limit: 100 });
    expect(rows.every((r) => r.outcome !== null)).toBe(true);
    expect(rows.find((r) => r.rowNumber === 27)).toMatchObject({ outcome: "skipped", outcomeReason: "duplicate of an earlier row" });
    expect(await count(db, "select count(*) as n from personal_access_tokens where admin_id = ? and revoked_at is null", leavingAdmin.admin.id)).toBe(0);
    expect(await count(db, "select count(*) as n from sessions where admin_id = ? and revoked_at is null", leavingAdmin.admin.id)).toBe(0);
    // The leaving admin's event counts what was revoked with them, and names the job and the row's reason.
    expect(await userEventDetails(db, leavingAdmin.user.id)).toEqual([
      { email: leavingAdmin.user.email, tokensRevoked: 1, sessionsRevoked: 1, jobId: job.id, reason: "leaving" },
    ]);
    // One deactivation audit event per deactivated user, plus the job's own events.
    expect(await userEventsOfJob(db, "user.deactivate", job.id)).toBe(24);
    expect(await userEventsOfJob(db, "user.deactivate", job.id, "count(distinct target_id)")).toBe(24);
    expect(await count(db, "select count(*) as n from audit_events where target_id = ? and action in ('job.created', 'job.completed')", job.id)).toBe(2);
    // The counts kept on the job (what progress polling reads) match the rows.
    expect(await outcomesOfRows(db, job.id)).toEqual(done.counts);
    // Another run of a finished job changes nothing.
    expect(await processLeaverJobBatch(db, job.id, 10)).toEqual({ done: true, processed: 0 });
  });

  it("takes rows in the users' storage order on SQLite (rows without a user first), in file order on PostgreSQL", async () => {
    const { tenant, actor } = await setup();
    // Created one after another: their order in the users table.
    const storage = [];
    for (const name of ["order-a", "order-b", "order-c"]) storage.push(await makeUser(db, tenant.id, { email: `${name}@example.test` }));
    const file = [storage[2]!, storage[0]!, storage[1]!];
    const job = await confirmFile(db, tenant.id, actor, csvOf([...file.map((u) => u.email), "nobody@example.test"]));
    const taken: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      await processLeaverJobBatch(db, job.id, 1);
      const rows = await listLeaverJobRows(db, job.id, { limit: 10 });
      const now = rows.filter((row) => row.outcome !== null).map((row) => row.email);
      taken.push(now.find((email) => !taken.includes(email))!);
    }
    const expected = db.dialect === "sqlite" ? ["nobody@example.test", ...storage.map((u) => u.email)] : [...file.map((u) => u.email), "nobody@example.test"];
    expect(taken).toEqual(expected);
  });

  it("never processes a row twice: a batch that fails rolls back entirely and is redone", async () => {
    const { tenant, actor } = await setup();
    const leavers = await Promise.all(Array.from({ length: 6 }, (_, i) => makeUser(db, tenant.id, { email: `crash${i}@example.test` })));
    const job = await confirmFile(db, tenant.id, actor, csvOf(leavers.map((u) => u.email)));
    await processLeaverJobBatch(db, job.id, 2);
    // A batch interrupted mid-way (a crash) leaves no trace.
    const interrupted = db.transaction(async () => {
      await processLeaverJobBatch(db, job.id, 2);
      throw new Error("power cut");
    }, "immediate");
    await expect(interrupted).rejects.toThrow("power cut");
    expect((await getLeaverJob(db, tenant.id, job.id))?.counts).toEqual({ deactivated: 2, pending: 4 });
    await runLeaverJob(db, job.id, 2);
    expect(await userEventsOfJob(db, "user.deactivate", job.id)).toBe(6);
    expect(await count(db, "select count(*) as n from leaver_job_rows where job_id = ? and outcome = 'deactivated'", job.id)).toBe(6);
  });

  it("a row that fails is recorded as an error with its reason, and the rest of the batch goes on", async () => {
    const { tenant, actor } = await setup();
    const leavers = await Promise.all(Array.from({ length: 5 }, (_, i) => makeUser(db, tenant.id, { email: `err${i}@example.test` })));
    const broken = leavers[2]!;
    await db.exec(FAILING_AUDIT[db.dialect].create(broken.id));
    try {
      const job = await confirmFile(db, tenant.id, actor, csvOf(leavers.map((u) => u.email)));
      await runLeaverJob(db, job.id, 10);
      expect((await getLeaverJob(db, tenant.id, job.id))?.counts).toEqual({ deactivated: 4, error: 1 });
      expect(await listLeaverJobRows(db, job.id, { outcome: "error", limit: 10 })).toMatchObject([{ rowNumber: 3, outcomeReason: "audit store unavailable" }]);
      // The failed row's user change was rolled back with it.
      expect(await activeOf(db, broken.id)).toBe(true);
      expect(await inactiveCount(db, leavers)).toBe(4);
    } finally {
      await db.exec(FAILING_AUDIT[db.dialect].drop);
    }
  });

  it("cancel stops before the next batch and marks the remaining rows skipped", async () => {
    const { tenant, actor } = await setup();
    const leavers = await Promise.all(Array.from({ length: 9 }, (_, i) => makeUser(db, tenant.id, { email: `cancel${i}@example.test` })));
    const job = await confirmFile(db, tenant.id, actor, csvOf(leavers.map((u) => u.email)));
    await processLeaverJobBatch(db, job.id, 4);
    const cancelled = await cancelLeaverJob(db, { tenantId: tenant.id, jobId: job.id, actor, requestId: null });
    expect(cancelled).toMatchObject({ status: "cancelled", job: { status: "cancelled", processedRows: 9 } });
    expect(await processLeaverJobBatch(db, job.id, 4)).toEqual({ done: true, processed: 0 });
    expect((await getLeaverJob(db, tenant.id, job.id))?.counts).toEqual({ deactivated: 4, skipped: 5 });
    expect(await inactiveCount(db, leavers)).toBe(4);
    expect((await cancelLeaverJob(db, { tenantId: tenant.id, jobId: job.id, actor, requestId: null })).status).toBe("finished");
    expect(await count(db, "select count(*) as n from audit_events where target_id = ? and action = 'job.cancelled'", job.id)).toBe(1);
  });

  it("undo reactivates exactly the users the job deactivated, once", async () => {
    const { tenant, actor } = await setup();
    const leavers = await Promise.all(Array.from({ length: 4 }, (_, i) => makeUser(db, tenant.id, { email: `undo${i}@example.test` })));
    const wasInactive = await makeUser(db, tenant.id, { email: "undo-inactive@example.test", active: false });
    const job = await confirmFile(db, tenant.id, actor, csvOf([...leavers.map((u) => u.email), wasInactive.email]));
    const request = { tenantId: tenant.id, jobId: job.id, actor, requestId: null };
    expect((await createUndoJob(db, request)).status).toBe("not-finished");
    await runLeaverJob(db, job.id);
    // Someone reactivates leaver 3 by hand meanwhile: undo leaves them as they are.
    await prepared(db, "update users set active = true, deactivated_at = null where id = ?").run(leavers[3]!.id);
    const undo = await createUndoJob(db, request);
    if (undo.status !== "created") throw new Error(undo.status);
    expect(undo.job).toMatchObject({ kind: "reactivate", undoOfJobId: job.id, totalRows: 4 });
    expect(await createUndoJob(db, request)).toEqual({ status: "already-undone", jobId: undo.job.id });
    await runLeaverJob(db, undo.job.id);
    expect(await getLeaverJob(db, tenant.id, undo.job.id)).toMatchObject({ status: "completed", counts: { reactivated: 3, already_active: 1 } });
    expect(await inactiveCount(db, leavers)).toBe(0);
    expect(await activeOf(db, wasInactive.id)).toBe(false);
    expect(await userEventsOfJob(db, "user.reactivate", undo.job.id)).toBe(3);
    expect(await count(db, "select count(*) as n from audit_events where target_id = ? and action = 'job.undone'", job.id)).toBe(1);
    expect((await createUndoJob(db, { ...request, jobId: undo.job.id })).status).toBe("not-undoable");
  });

  it("undo skips a user deactivated again since the job ran, in a batch with users it reactivates", async () => {
    const { tenant, actor } = await setup();
    const leavers = await Promise.all(Array.from({ length: 5 }, (_, i) => makeUser(db, tenant.id, { email: `again${i}@example.test` })));
    const job = await confirmFile(db, tenant.id, actor, csvOf(leavers.map((u) => u.email)));
    await runLeaverJob(db, job.id, 2);
    // Leaver 1 came back and left again: that later deactivation is not the job's to undo.
    await reactivateUser(db, { tenantId: tenant.id, userId: leavers[1]!.id, actor }, Date.now() + 1_000);
    await deactivateUser(db, { tenantId: tenant.id, userId: leavers[1]!.id, actor }, Date.now() + 2_000);
    const undo = await createUndoJob(db, { tenantId: tenant.id, jobId: job.id, actor, requestId: "req-undo" });
    if (undo.status !== "created") throw new Error(undo.status);
    await runLeaverJob(db, undo.job.id, 10);
    expect((await getLeaverJob(db, tenant.id, undo.job.id))?.counts).toEqual({ reactivated: 4, skipped: 1 });
    expect(await listLeaverJobRows(db, undo.job.id, { outcome: "skipped", limit: 10 })).toMatchObject([
      { rowNumber: 2, outcomeReason: "deactivated again since the job ran" },
    ]);
    expect(await activeOf(db, leavers[1]!.id)).toBe(false);
    expect(await inactiveCount(db, leavers)).toBe(1);
    const events = await userEventDetails(db, leavers[0]!.id);
    expect(events.at(-1)).toEqual({ email: leavers[0]!.email, jobId: undo.job.id, undoOf: job.id });
  });

  it("pages the rows of one outcome in file order, by cursor or offset, off the primary key", async () => {
    const { tenant, actor } = await setup();
    const leavers = await Promise.all(Array.from({ length: 6 }, () => makeUser(db, tenant.id)));
    // Rows 1-12: a leaver, then an address nobody has, in turn.
    const job = await confirmFile(db, tenant.id, actor, csvOf(leavers.flatMap((user, i) => [user.email, `nobody-${i}@example.test`])));
    await runLeaverJob(db, job.id);
    const rowsOf = async (page: Parameters<typeof listLeaverJobRows>[2]) => (await listLeaverJobRows(db, job.id, page)).map((row) => row.rowNumber);
    expect(await rowsOf({ outcome: "not_found", limit: 4 })).toEqual([2, 4, 6, 8]);
    expect(await rowsOf({ outcome: "not_found", afterRow: 8, limit: 4 })).toEqual([10, 12]);
    expect(await rowsOf({ outcome: "deactivated", offset: 4, limit: 4 })).toEqual([9, 11]);
    expect(await rowsOf({ outcome: "error", limit: 4 })).toEqual([]);
    // No index on the outcome (the batches would write it at random places): the primary key, from the cursor.
    const statement = jobRowsPageStatement(job.id, { outcome: "not_found", afterRow: 8, limit: 4 });
    if (TEST_DIALECT === "sqlite")
      expect(sqlitePlan(db, statement)).toBe("SEARCH leaver_job_rows USING INDEX sqlite_autoindex_leaver_job_rows_1 (job_id=? AND row_number>?)");
    else expect(await postgresPlan(db, statement, { indexesOnly: true })).toEqual(["Limit", "Index Scan leaver_job_rows_job_id_row_number_pk"]);
  });

  it("lists a tenant's jobs newest first, reading its index in order: no sort of every job it ever had", async () => {
    const { tenant, actor } = await setup();
    const older = await confirmFile(db, tenant.id, actor, csvOf(["older@example.test"]));
    const newer = await confirmFile(db, tenant.id, actor, csvOf(["newer@example.test"]));
    await prepared(db, "update leaver_jobs set created_at = created_at - 1000 where id = ?").run(older.id);
    expect((await listLeaverJobs(db, tenant.id)).map((job) => job.id)).toEqual([newer.id, older.id]);
    expect((await listLeaverJobs(db, tenant.id, 1)).map((job) => job.id)).toEqual([newer.id]);
    const statement = leaverJobListStatement(tenant.id, 50);
    if (TEST_DIALECT === "sqlite") expect(sqlitePlan(db, statement)).toBe("SEARCH leaver_jobs USING INDEX leaver_jobs_tenant_created_idx (tenant_id=?)");
    else expect(await postgresPlan(db, statement, { indexesOnly: true })).toEqual(["Limit", "Index Scan Backward leaver_jobs_tenant_created_idx"]);
  });

  it("keeps tenants apart", async () => {
    const a = await setup();
    const b = await setup();
    const job = await confirmFile(db, a.tenant.id, a.actor, csvOf(["x@example.test"]));
    expect(await getLeaverJob(db, b.tenant.id, job.id)).toBeUndefined();
    expect((await cancelLeaverJob(db, { tenantId: b.tenant.id, jobId: job.id, actor: b.actor, requestId: null })).status).toBe("not-found");
    expect((await createUndoJob(db, { tenantId: b.tenant.id, jobId: job.id, actor: b.actor, requestId: null })).status).toBe("not-found");
  });

  it("a preview is confirmed once, by the admin who uploaded it, even when confirmed twice at once", async () => {
    const { tenant, actor } = await setup();
    const file = await parseLeaverCsv(new TextEncoder().encode("email\nq@example.test\n"));
    const { rows, counts } = classifyLeaverRows(file.rows, new Map(), actor.userId);
    const preview = await createLeaverPreview(db, { tenantId: tenant.id, actor, fileName: null, sha256: file.sha256 }, async (write) => {
      await write(rows);
      return { totalRows: rows.length, counts };
    });
    const colleague = { ...actor, userId: "00000000-0000-4000-8000-000000000000" };
    expect((await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor: colleague, requestId: null })).status).toBe("not-owner");
    const confirm = () => confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null });
    const statuses = (await Promise.all([confirm(), confirm()])).map((r) => r.status).sort();
    expect(statuses).toEqual(["already-confirmed", "created"]);
    expect((await confirm()).status).toBe("already-confirmed");
  });
});

describe("leaver jobs of two server processes on one database", () => {
  const [one, two] = twoProcessDatabases("leaver_race");
  let fixture: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    fixture = await setup(one);
  });

  it("two jobs naming the same users, run at once, deactivate each user once", async () => {
    const { tenant, actor } = fixture;
    const leavers = await Promise.all(Array.from({ length: 30 }, (_, i) => makeUser(one, tenant.id, { email: `race${i}@example.test` })));
    const emails = leavers.map((u) => u.email);
    const jobA = await confirmFile(one, tenant.id, actor, csvOf(emails));
    const jobB = await confirmFile(two, tenant.id, actor, csvOf([...emails].reverse()));
    if (TEST_DIALECT === "postgres") {
      // Truly at once: the batches lock the users they share in one order, so neither deadlocks.
      await Promise.all([runLeaverJob(one, jobA.id, 7), runLeaverJob(two, jobB.id, 7)]);
    } else {
      // Two SQLite connections in one process cannot hold transactions at once (the second's busy
      // wait would block the thread the first needs): interleave batches, as two processes would.
      let doneA = false;
      let doneB = false;
      while (!doneA || !doneB) {
        if (!doneA) doneA = (await processLeaverJobBatch(one, jobA.id, 7)).done;
        if (!doneB) doneB = (await processLeaverJobBatch(two, jobB.id, 7)).done;
      }
    }
    const a = (await getLeaverJob(one, tenant.id, jobA.id))!.counts;
    const b = (await getLeaverJob(one, tenant.id, jobB.id))!.counts;
    expect((a.deactivated ?? 0) + (b.deactivated ?? 0)).toBe(30);
    // Each user was previewed as will_deactivate by both: the job that came second reports it changed since.
    expect((a.changed_since_preview ?? 0) + (b.changed_since_preview ?? 0)).toBe(30);
    expect(await count(one, "select count(*) as n from audit_events where action = 'user.deactivate' and tenant_id = ?", tenant.id)).toBe(30);
    expect(await count(one, "select count(distinct target_id) as n from audit_events where action = 'user.deactivate' and tenant_id = ?", tenant.id)).toBe(30);
  });

  it.skipIf(TEST_DIALECT !== "postgres")("two runners of one job process every row exactly once", async () => {
    const { tenant, actor } = fixture;
    const leavers = await Promise.all(Array.from({ length: 120 }, (_, i) => makeUser(one, tenant.id, { email: `shared${i}@example.test` })));
    const job = await confirmFile(one, tenant.id, actor, csvOf([...leavers.map((u) => u.email), "nobody@example.test"]));
    const processed: number[] = [];
    const runner = async (database: Db) => {
      for (;;) {
        const result = await processLeaverJobBatch(database, job.id, 9);
        processed.push(result.processed);
        if (result.done) return;
      }
    };
    await Promise.all([runner(one), runner(two), runner(one), runner(two)]);
    expect(processed.reduce((sum, n) => sum + n, 0)).toBe(121);
    const done = (await getLeaverJob(one, tenant.id, job.id))!;
    expect(done).toMatchObject({ status: "completed", processedRows: 121, counts: { deactivated: 120, not_found: 1 } });
    expect(await outcomesOfRows(one, job.id)).toEqual(done.counts);
    expect(await userEventsOfJob(one, "user.deactivate", job.id)).toBe(120);
    expect(await count(one, "select count(*) as n from audit_events where target_id = ? and action = 'job.completed'", job.id)).toBe(1);
  });
});
