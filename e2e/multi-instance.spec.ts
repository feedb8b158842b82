import { expect, test } from "@playwright/test";
import type { Param } from "@/db/driver/types";
import { deactivatePlatformUser } from "@/lib/api/endpoints/mendix";
import { metrics, ready as readyEndpoint } from "@/lib/api/endpoints/service";
import { apiLeavers } from "@/lib/api/endpoints/leavers";
import { contractHref } from "@/lib/contracts/contract";
import { sessionContracts } from "@/lib/contracts/session";
import { userContracts } from "@/lib/contracts/users";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { findNginx, startNginx } from "./fixtures/nginx";
import { AUDIT_JOB_ID, ON_POSTGRES } from "./fixtures/own-database";
import { ownDatabase, seedOwnTenant, startServer, type OwnDatabase, type OwnServer, type OwnTenant } from "./fixtures/server";

// Two production servers on one database (issue 9): everything that must be one thing across
// instances is kept in the database, so whichever instance answers, a session, a budget, a
// lock-out, a job and a deactivation are each one. One SQLite file, or with
// ROSTER_TEST_DATABASE=postgres one PostgreSQL database (e2e/fixtures/own-database.ts); every
// check reads the database itself.

// A job of many batches (LEAVER_BATCH_SIZE rows each), so that the kill, a few milliseconds after
// its first batch committed, lands with most of it still to run.
const ROWS = Number(process.env.MULTI_INSTANCE_ROWS ?? 50_000);
const LIMIT = 200;
const METRICS_TOKEN = "multi-instance-metrics-token";
// As deploy/nginx.conf expects: the proxy (loopback here) is trusted.
const ENV = { RATE_LIMIT_REQUESTS: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: "600", METRICS_TOKEN, TRUSTED_PROXIES: "loopback" };
test.describe.configure({ mode: "serial", timeout: 300_000 });

let database: OwnDatabase;
let seeded: OwnTenant;
let a: OwnServer;
let b: OwnServer;
const extra: OwnServer[] = [];

test.beforeAll(async () => {
  // Five CLI runs (migrate, seed, admin, MFA policy, token) and two server starts: more than the default 30 s on a busy machine.
  test.setTimeout(120_000);
  database = await ownDatabase("multi-instance");
  // The seed makes some users inactive: 1.3 × ROWS leaves enough active ones for the leaver file.
  seeded = await seedOwnTenant(database.url, Math.ceil(ROWS * 1.3), "multi");
  [a, b] = await Promise.all([startServer(database.url, ENV), startServer(database.url, ENV)]);
});

// A failed test shows what the instances printed (a crash's stack, a refused start).
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  for (const [name, server] of [["a", a], ["b", b], ...extra.map((server, i) => [`extra ${i + 1}`, server] as const)] as const)
    if (server) await testInfo.attach(`instance ${name} output`, { body: server.output(), contentType: "text/plain" });
});

test.afterAll(async () => {
  for (const server of [a, b, ...extra]) await server?.stop("SIGKILL");
  await database?.remove();
});

/** One row of a query on the instances' database (SQL both dialects read alike). */
async function sql<T>(query: string, ...params: Param[]): Promise<T> {
  return (await database
    .db()
    .statement<T>(query)
    .get(...params))!;
}

const activeEmails = async (count: number) =>
  (
    await database
      .db()
      .statement<{ email: string }>(
        "select email from users where tenant_id = ? and active = true and id not in (select user_id from admins) order by email limit ?",
      )
      .all(seeded.tenantId, count)
  ).map((row) => row.email);

const consoleJson = (server: OwnServer, path: string, init: { method?: string; cookie: string; csrf?: string; body?: unknown }) =>
  fetch(`${server.baseUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { cookie: init.cookie, "content-type": "application/json", ...(init.csrf && { "x-csrf-token": init.csrf }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

test("three instances started at once on a new database all come up: one migrates and seeds the demo, the others wait", async () => {
  const fresh = await ownDatabase("multi-start");
  const started = await Promise.allSettled([0, 1, 2].map(() => startServer(fresh.url, ENV)));
  try {
    expect(started.map((result) => (result.status === "rejected" ? String(result.reason) : "up"))).toEqual(["up", "up", "up"]);
    const servers = started.map((result) => (result as PromiseFulfilledResult<OwnServer>).value);
    for (const server of servers) expect((await fetch(`${server.baseUrl}${readyEndpoint.path}`)).status).toBe(200);
    expect(servers.filter((server) => server.output().includes('Demo tenant "Acme" seeded'))).toHaveLength(1);
    expect(await fresh.db().statement("select count(*) as n from tenants").get()).toEqual({ n: 1 });
    expect(await fresh.db().statement("select count(*) as n from admins").get()).toEqual({ n: 1 });
  } finally {
    for (const result of started) if (result.status === "fulfilled") await result.value.stop("SIGKILL");
    await fresh.remove();
  }
});

test("a console session opened on one instance works on the other, CSRF token and sign-out included", async () => {
  const signedIn = await consoleJson(a, sessionContracts.signIn.path, {
    method: "POST",
    cookie: "",
    body: { email: seeded.adminEmail, password: "not-used-here-1234" },
  });
  expect(signedIn.status).toBe(200);
  const cookie = signedIn.headers
    .getSetCookie()
    .find((line) => line.startsWith(`${SESSION_COOKIE}=`))!
    .split(";")[0]!;
  const { csrf } = await sql<{ csrf: string }>("select csrf_token as csrf from sessions where tenant_id = ? order by created_at desc limit 1", seeded.tenantId);

  expect((await consoleJson(b, contractHref(userContracts.list), { cookie })).status).toBe(200);
  const [email] = await activeEmails(1);
  const { id } = await sql<{ id: string }>("select id from users where tenant_id = ? and email = ?", seeded.tenantId, email!);
  const deactivate = contractHref(userContracts.deactivate, { id });
  expect((await consoleJson(b, deactivate, { method: "POST", cookie, body: { confirmEmail: email } })).status).toBe(403);
  expect((await consoleJson(b, deactivate, { method: "POST", cookie, csrf, body: { confirmEmail: email } })).status).toBe(200);

  expect((await consoleJson(b, sessionContracts.signOut.path, { method: "DELETE", cookie, csrf })).status).toBe(204);
  expect((await consoleJson(a, contractHref(userContracts.list), { cookie })).status).toBe(401);
});

test("failed sign-ins for one email count on both instances: the sixth is refused on either", async () => {
  const attempt = (server: OwnServer) =>
    consoleJson(server, sessionContracts.signIn.path, { method: "POST", cookie: "", body: { email: seeded.adminEmail, password: "wrong-password" } });
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await attempt(i % 2 ? b : a)).status);
  expect(statuses).toEqual([401, 401, 401, 401, 401]);
  expect((await attempt(a)).status).toBe(429);
  expect((await attempt(b)).status).toBe(429);
});

test("a token's rate limit is one budget, whichever instance answers", async () => {
  const { token } = await seedOwnTenant(database.url, 1, "budget");
  const lookup = (server: OwnServer) =>
    fetch(`${server.baseUrl}${deactivatePlatformUser.path.replace("{uuid}", "00000000-0000-4000-8000-000000000000")}`, {
      method: "PATCH",
      headers: { authorization: `MxToken ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ active: false }),
    });
  const answers = await Promise.all(Array.from({ length: LIMIT + 20 }, (_, i) => lookup(i % 2 ? b : a).then((response) => response.status)));
  // Requests within the budget are answered (404: no such user), the rest refused. Each instance
  // reserves points in small batches, so a few may go unused in one of them, never more than the limit.
  const answered = answers.filter((status) => status === 404).length;
  test.info().annotations.push({ type: "answered", description: `${answered} of a budget of ${LIMIT}` });
  expect(answered).toBeLessThanOrEqual(LIMIT);
  expect(answered).toBeGreaterThanOrEqual(LIMIT - 5);
  expect(answers.filter((status) => status === 429)).toHaveLength(answers.length - answered);
});

test("50 concurrent deactivations of one user through both instances record one deactivation", async () => {
  const [email] = await activeEmails(1);
  const { id } = await sql<{ id: string }>("select id from users where tenant_id = ? and email = ?", seeded.tenantId, email!);
  const statuses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      fetch(`${(i % 2 ? b : a).baseUrl}${deactivatePlatformUser.path.replace("{uuid}", id)}`, {
        method: "PATCH",
        headers: { authorization: `MxToken ${seeded.token}`, "content-type": "application/json" },
        body: JSON.stringify({ active: false }),
      }).then((response) => response.status),
    ),
  );
  expect(statuses).toEqual(Array(50).fill(204));
  const events = await sql<{ n: number }>(
    "select count(*) as n from audit_events where target_id = ? and action = 'user.deactivate' and outcome = 'deactivated'",
    id,
  );
  expect(events.n).toBe(1);
});

/** The sum of one metric's series on an instance (those whose labels include `labels`). */
async function metricOf(server: OwnServer, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}${metrics.path}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

/** Rows of leaver jobs this instance's worker processed, from its metrics. */
const rowsProcessedBy = (server: OwnServer) => metricOf(server, "roster_leaver_job_rows_total");

test(`a ${ROWS.toLocaleString("en-US")}-row job survives SIGKILL of an instance running it: the other finishes it, every row once`, async () => {
  const emails = await activeEmails(ROWS);
  expect(emails).toHaveLength(ROWS);
  const headers = { "X-API-Key": seeded.token, "X-Tenant-ID": seeded.tenantId };
  const uploaded = await fetch(`${a.baseUrl}${apiLeavers.createPreview.path}`, {
    method: "POST",
    headers: { ...headers, "content-type": "text/csv" },
    body: `email,reason\n${emails.map((email) => `${email},multi-instance test`).join("\n")}\n`,
  });
  expect(uploaded.status).toBe(201);
  const previewId = ((await uploaded.json()) as { data: { id: string } }).data.id;
  // Only a's worker can run the job until a is killed: b is stopped (SIGSTOP) from before the job
  // is confirmed until after the kill, so the instance killed is the one running it, and the kill
  // comes a few milliseconds after the job's first batch committed, whatever the machine's speed.
  // Progress is read from the database, not from a's metrics: on a fast machine the whole job once
  // finished while a metrics request waited behind its batches.
  const [running, survivor] = [a, b];
  let jobId = "";
  const progress = () => sql<{ status: string; processed: number }>("select status, processed_rows as processed from leaver_jobs where id = ?", jobId);
  const count = async (query: string) => (await sql<{ n: number }>(query, jobId)).n;
  let atKill: { status: string; processed: number } | undefined;
  survivor.child.kill("SIGSTOP");
  try {
    const confirmed = await fetch(`${running.baseUrl}${apiLeavers.confirm.path}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ previewId }),
    });
    expect(confirmed.status).toBe(202);
    jobId = ((await confirmed.json()) as { data: { id: string } }).data.id;
    await expect.poll(async () => (await progress()).processed, { timeout: 60_000, intervals: [2] }).toBeGreaterThan(0);
    await running.stop("SIGKILL");
    atKill = await progress();
  } finally {
    survivor.child.kill("SIGCONT");
  }
  expect(atKill.status, "the job had not finished when its instance was killed").toBe("running");
  expect(atKill.processed, "the job had not finished when its instance was killed").toBeLessThan(ROWS);

  await expect.poll(async () => (await progress()).status, { timeout: 120_000, intervals: [250] }).toBe("completed");
  // Every row's outcome set once: each row has one, and it is the first (deactivated, not "already inactive").
  expect(await count("select count(*) as n from leaver_job_rows where job_id = ?")).toBe(ROWS);
  expect(await count("select count(*) as n from leaver_job_rows where job_id = ? and outcome is null")).toBe(0);
  expect(await count("select count(*) as n from leaver_job_rows where job_id = ? and outcome = 'deactivated'")).toBe(ROWS);
  expect(await count("select processed_rows as n from leaver_jobs where id = ?")).toBe(ROWS);
  // One deactivation event per row and one per user: no row was applied twice, by the two instances or across the kill.
  const events = `from audit_events where action = 'user.deactivate' and outcome = 'deactivated' and ${AUDIT_JOB_ID} = ?`;
  expect(await count(`select count(*) as n ${events}`)).toBe(ROWS);
  expect(await count(`select count(distinct target_id) as n ${events}`)).toBe(ROWS);
  expect(
    await count(
      "select count(*) as n from users where active = false and id in (select user_id from leaver_job_rows where job_id = ? and outcome = 'deactivated')",
    ),
  ).toBe(ROWS);
  expect(await count("select count(*) as n from audit_events where target_id = ? and action = 'job.completed'")).toBe(1);
  expect(await rowsProcessedBy(survivor)).toBeGreaterThan(0);
  test
    .info()
    .annotations.push(
      { type: "database", description: ON_POSTGRES ? "PostgreSQL" : "SQLite" },
      { type: "killed after", description: `${atKill.processed.toLocaleString("en-US")} of ${ROWS.toLocaleString("en-US")} rows` },
    );
});

test("behind deploy/nginx.conf: requests spread over both instances with nginx's request id, and go on when one is killed", async () => {
  const nginxBinary = findNginx();
  test.skip(!nginxBinary && !process.env.CI, "no nginx on this machine (.ci/run installs it)");
  expect(nginxBinary, "nginx is installed by .ci/run").not.toBeNull();
  // The instance killed above is replaced, as an orchestrator would.
  const survivor = [a, b].find((server) => server.child.exitCode === null && server.child.signalCode === null)!;
  const replacement = await startServer(database.url, ENV);
  extra.push(replacement);
  const proxy = await startNginx(nginxBinary!, [survivor.port, replacement.port]);
  try {
    const ready = () => fetch(`${proxy.baseUrl}${readyEndpoint.path}`);
    const answers = await Promise.all(Array.from({ length: 20 }, ready));
    expect(answers.map((response) => response.status)).toEqual(Array(20).fill(200));
    // nginx's $request_id (32 hex digits) reached the instances and came back: the proxy is trusted.
    for (const response of answers) expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    const readyCount = (server: OwnServer) => metricOf(server, "roster_http_request_duration_seconds_count", `route="${readyEndpoint.path}"`);
    expect(await readyCount(survivor)).toBeGreaterThan(0);
    expect(await readyCount(replacement)).toBeGreaterThan(0);
    expect((await fetch(`${proxy.baseUrl}${metrics.path}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);

    await replacement.stop("SIGKILL");
    const afterKill = await Promise.all(Array.from({ length: 20 }, ready));
    expect(afterKill.map((response) => response.status)).toEqual(Array(20).fill(200));
  } finally {
    await proxy.stop();
  }
});
