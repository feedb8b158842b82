import { expect, test } from "@playwright/test";
import type { Param } from "@/db/driver/types";
import { AUDIT_JOB_ID } from "../fixtures/own-database";
import { ownDatabase, seedOwnTenant, startServer, type OwnDatabase, type OwnServer } from "../fixtures/server";

// Crash safety, for real (issue 5): the production server (dist/server.cjs on the existing build,
// as `npm start` runs it) runs a 20,000-row leaver job; it is killed with SIGKILL mid-job and started
// again on the same database. The job must complete with exactly one outcome per row, and exactly
// one deactivation audit event per deactivated user. This spec runs its own servers on their own ports,
// on a database of its own (a SQLite file, or with ROSTER_TEST_DATABASE=postgres a PostgreSQL database).

const ROWS = Number(process.env.LEAVERS_CRASH_ROWS ?? 20_000);
const LIMITS = { RATE_LIMIT_REQUESTS: "100000" };
let database: OwnDatabase;
const servers: OwnServer[] = [];

async function startOwnServer(): Promise<OwnServer> {
  const server = await startServer(database.url, LIMITS);
  servers.push(server);
  return server;
}

test.describe.configure({ timeout: 240_000 });

test.beforeAll(async () => {
  database = await ownDatabase("leavers-crash");
});

test.afterAll(async () => {
  for (const server of servers) await server.stop("SIGKILL");
  await database?.remove();
});

test("a job killed with SIGKILL mid-way resumes after a restart and processes every row exactly once", async () => {
  // The seed makes some users inactive: 1.2 × ROWS leaves enough active ones for the file.
  const { tenantId, token } = await seedOwnTenant(database.url, Math.ceil(ROWS * 1.2), "crash");
  const db = database.db();
  const one = async (sql: string, ...params: Param[]) => (await db.statement<{ n: number }>(sql).get(...params))!.n;

  const emails = (
    await db
      .statement<{ email: string }>(
        "select email from users where tenant_id = ? and active = true and id not in (select user_id from admins) order by email limit ?",
      )
      .all(tenantId, ROWS)
  ).map((r) => r.email);
  expect(emails).toHaveLength(ROWS);
  const headers = { "X-API-Key": token, "X-Tenant-ID": tenantId };

  const first = await startOwnServer();
  const uploaded = await fetch(`${first.baseUrl}/v1/leaver-jobs/previews`, {
    method: "POST",
    headers: { ...headers, "content-type": "text/csv" },
    body: `email,reason\n${emails.map((e) => `${e},crash test`).join("\n")}\n`,
  });
  expect(uploaded.status).toBe(201);
  const previewId = ((await uploaded.json()) as { data: { id: string; counts: { will_deactivate: number } } }).data.id;
  const confirmed = await fetch(`${first.baseUrl}/v1/leaver-jobs`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ previewId }),
  });
  expect(confirmed.status).toBe(202);
  const jobId = ((await confirmed.json()) as { data: { id: string } }).data.id;

  // Poll the progress (the database the API reads) until the job is part-way, then pull the plug.
  const progress = async () =>
    (await db
      .statement<{ status: string; processed: number; total: number }>(
        "select status, processed_rows as processed, total_rows as total from leaver_jobs where id = ?",
      )
      .get(jobId))!;
  const deadline = Date.now() + 60_000;
  let seen = await progress();
  while (!(seen.processed > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen = await progress();
  }
  await first.stop("SIGKILL");
  const atCrash = await progress();
  expect(atCrash.processed, "the job had started when the server was killed").toBeGreaterThan(0);
  expect(atCrash.processed, "the job had not finished when the server was killed").toBeLessThan(atCrash.total);
  expect(atCrash.status).toBe("running");

  const second = await startOwnServer();
  let status = "";
  await expect
    .poll(
      async () => {
        const response = await fetch(`${second.baseUrl}/v1/leaver-jobs/${jobId}`, { headers });
        status = ((await response.json()) as { data: { status: string } }).data.status;
        return status;
      },
      { timeout: 120_000, intervals: [250] },
    )
    .toBe("completed");

  expect(await one("select count(*) as n from leaver_job_rows where job_id = ?", jobId)).toBe(ROWS);
  expect(await one("select count(*) as n from leaver_job_rows where job_id = ? and outcome is null", jobId)).toBe(0);
  const deactivatedRows = await one("select count(*) as n from leaver_job_rows where job_id = ? and outcome = 'deactivated'", jobId);
  expect(deactivatedRows).toBe(ROWS);
  const auditEvents = await one(
    `select count(*) as n from audit_events where action = 'user.deactivate' and outcome = 'deactivated' and ${AUDIT_JOB_ID} = ?`,
    jobId,
  );
  expect(auditEvents).toBe(deactivatedRows);
  expect(
    await one(
      "select count(*) as n from (select target_id from audit_events where action = 'user.deactivate' and tenant_id = ? group by target_id having count(*) > 1) as twice",
      tenantId,
    ),
  ).toBe(0);
  expect(await one("select count(*) as n from users where active = false and id in (select user_id from leaver_job_rows where job_id = ?)", jobId)).toBe(ROWS);
  expect(await one("select processed_rows as n from leaver_jobs where id = ?", jobId)).toBe(ROWS);
  expect(await one("select count(*) as n from audit_events where target_id = ? and action = 'job.completed'", jobId)).toBe(1);
});
