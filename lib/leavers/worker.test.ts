import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { getLeaverJob, type LeaverActor } from "@/db/queries/leaver-jobs";
import { metrics } from "@/lib/observability/metrics";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { twoProcessDatabases } from "@/test/two-processes";
import { holdsWithin, until } from "@/test/until";
import { previewLeaverFile } from "./preview";
import { announceRunnableLeaverJob } from "./wake";
import { startLeaverWorker } from "./worker";

/** A tenant with an admin, and a function that previews and confirms a file of emails as that admin. */
async function tenantWithQueue(db: Db) {
  const tenant = await makeTenant(db);
  const { admin, user } = await makeAdminWithToken(db, tenant.id);
  const actor: LeaverActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
  const queue = async (emails: string[]) => {
    const bytes = new TextEncoder().encode(`email\n${emails.join("\n")}\n`);
    const { preview } = await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes });
    const result = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null });
    if (result.status !== "created") throw new Error(result.status);
    return result.job.id;
  };
  return { tenant, queue };
}

describe("startLeaverWorker", () => {
  const db = createTestDb();

  it("runs queued jobs to completion taking turns a batch each, so a short job does not wait for a long one", async () => {
    const { tenant, queue } = await tenantWithQueue(db);
    const users = await Promise.all(Array.from({ length: 14 }, (_, i) => makeUser(db, tenant.id, { email: `w${i}@example.test` })));
    const long = await queue(users.slice(0, 12).map((u) => u.email));
    const short = await queue(users.slice(12).map((u) => u.email));
    const worker = startLeaverWorker(db, { pollMs: 20, batchSize: 3, log: () => undefined });
    try {
      await until(async () => {
        const jobs = await Promise.all([long, short].map((id) => getLeaverJob(db, tenant.id, id)));
        return jobs.every((job) => job?.status === "completed");
      });
    } finally {
      await worker.stop();
    }
    expect((await getLeaverJob(db, tenant.id, long))?.counts).toEqual({ deactivated: 12 });
    expect((await getLeaverJob(db, tenant.id, short))?.counts).toEqual({ deactivated: 2 });
    // The audit chain orders what the batches did: the long job needs four batches; the short one,
    // queued after it, completed after at most two of them.
    type Event = { action: string; targetId: string; seq: number };
    const events = await prepared<Event>(
      db,
      `select action, target_id as "targetId", chain_seq as "seq" from audit_events where tenant_id = ? and action in ('job.completed', 'user.deactivate') order by chain_seq`,
    ).all(tenant.id);
    const completed = events.filter((event) => event.action === "job.completed");
    expect(completed.map((event) => event.targetId)).toEqual([short, long]);
    const longUsers = new Set(users.slice(0, 12).map((u) => u.id));
    const longRowsBefore = events.filter((event) => event.action === "user.deactivate" && longUsers.has(event.targetId) && event.seq < completed[0]!.seq);
    expect(longRowsBefore.length).toBeLessThanOrEqual(6);
    // The process's metrics counted every row it processed.
    const rows = await metrics().jobRows.get();
    const count = (outcome: string) => rows.values.find((v) => v.labels.outcome === outcome && v.labels.kind === "deactivate")?.value;
    expect(count("deactivated")).toBe(14);
  });

  it("stops after the batch in progress, which commits whole", async () => {
    const { tenant, queue } = await tenantWithQueue(db);
    const users = await Promise.all(Array.from({ length: 40 }, (_, i) => makeUser(db, tenant.id, { email: `s${i}@example.test` })));
    const job = await queue(users.map((u) => u.email));
    const worker = startLeaverWorker(db, { pollMs: 20, batchSize: 4, log: () => undefined });
    await until(async () => ((await getLeaverJob(db, tenant.id, job))?.processedRows ?? 0) > 0);
    await worker.stop();
    const stopped = (await getLeaverJob(db, tenant.id, job))!;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Nothing ran after stop() resolved, and what ran is whole batches.
    expect((await getLeaverJob(db, tenant.id, job))!.processedRows).toBe(stopped.processedRows);
    expect(stopped.processedRows % 4).toBe(0);
    const inactive = await prepared<{ n: number }>(db, "select count(*) as n from users where tenant_id = ? and active = false").get(tenant.id);
    expect(inactive!.n).toBe(stopped.processedRows);
  });
});

// A database of its own: no job left over by the tests above for the worker to find first.
describe("startLeaverWorker, told of a job", () => {
  const db = createTestDb();

  it("starts the job at once when it is announced, not at its next poll", async () => {
    const { tenant, queue } = await tenantWithQueue(db);
    const user = await makeUser(db, tenant.id);
    // It finds nothing at first, then waits its (here, minute-long) poll.
    const worker = startLeaverWorker(db, { pollMs: 60_000, log: () => undefined });
    const completed = async () => (await getLeaverJob(db, tenant.id, job))?.status === "completed";
    let job = "";
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      job = await queue([user.email]);
      expect(await holdsWithin(completed, 500)).toBe(false);
      announceRunnableLeaverJob();
      await until(completed, 5_000);
    } finally {
      await worker.stop();
    }
  });
});

// Two servers on one PostgreSQL database: both workers find the same job and run its batches in
// turn (the job row's lock), never one row twice.
describe.skipIf(TEST_DIALECT !== "postgres")("two servers' workers on one PostgreSQL database", () => {
  const [one, two] = twoProcessDatabases("leaver_workers");

  it("process every row of a job exactly once", async () => {
    const { tenant, queue } = await tenantWithQueue(one);
    const users = await Promise.all(Array.from({ length: 90 }, (_, i) => makeUser(one, tenant.id, { email: `t${i}@example.test` })));
    const job = await queue([...users.map((u) => u.email), "nobody@example.test"]);
    const workers = [one, two].map((db) => startLeaverWorker(db, { pollMs: 5, batchSize: 7, log: () => undefined }));
    try {
      await until(async () => (await getLeaverJob(one, tenant.id, job))?.status === "completed", 60_000);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    const done = (await getLeaverJob(one, tenant.id, job))!;
    expect(done).toMatchObject({ processedRows: 91, counts: { deactivated: 90, not_found: 1 } });
    const events = await prepared<{ n: number; users: number }>(
      one,
      "select count(*) as n, count(distinct target_id) as users from audit_events where action = 'user.deactivate' and tenant_id = ?",
    ).get(tenant.id);
    expect(events).toEqual({ n: 90, users: 90 });
    const outcomes = await prepared<{ n: number }>(one, "select count(*) as n from leaver_job_rows where job_id = ? and outcome is not null").get(job);
    expect(outcomes!.n).toBe(91);
  }, 90_000);
});
