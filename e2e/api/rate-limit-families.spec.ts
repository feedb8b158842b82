import { expect, test } from "@playwright/test";
import { prepared } from "@/db/prepared";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { ownDatabase, startServer, type OwnDatabase, type OwnServer } from "../fixtures/server";

// A rate-limited request answers 429 on every API family, whichever touches the limiter first in
// a process. The vendor APIs run in the custom server's bundle and the console's API in Next's,
// each with its own copy of the code: a rejection from one copy's limiter must still be a 429 in
// the other (it was a 500: `instanceof` of the other copy's class failed). Servers of its own,
// with a budget of 5 requests, each test on a database of its own (budgets are kept in the database).

const LIMIT = 5;
test.describe.configure({ mode: "serial", timeout: 180_000 });

const databases: OwnDatabase[] = [];
let server: OwnServer | undefined;
test.afterAll(async () => {
  await server?.stop();
  for (const database of databases) await database.remove();
});

async function consoleCookie(database: OwnDatabase): Promise<string> {
  const db = database.db();
  const admin = await prepared<{ adminId: string; tenantId: string }>(db, 'select id as "adminId", tenant_id as "tenantId" from admins limit 1').get();
  return `${SESSION_COOKIE}=${(await openSession(db, admin!)).cookieValue}`;
}

async function statuses(count: number, request: () => Promise<Response>) {
  const answers: { status: number; retryAfter: string | null; body: string }[] = [];
  for (let i = 0; i < count; i++) {
    const response = await request();
    answers.push({ status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.text() });
  }
  return answers;
}

const NOBODY = "00000000-0000-4000-8000-000000000000";
// Bad tokens count against the client address; the two vendor families share that budget.
const leaverApi = (base: string) => () => fetch(`${base}/v1/leaver-jobs`, { headers: { "X-API-Key": "rpat_bad", "X-Tenant-ID": NOBODY } });
const os1Api = (base: string) => () => fetch(`${base}/api/v1/users`, { headers: { "X-COREOS-ACCESS": "rpat_bad", "X-COREOS-TID": NOBODY } });
const consoleApi = (base: string, cookie: string) => () => fetch(`${base}/api/console/users`, { headers: { cookie } });

const BODIES: Record<string, Record<string, unknown>> = {
  leaver: { code: "rate_limited" },
  os1: { error: { code: "TOO_MANY_REQUESTS" } },
  console: { code: "rate_limited", status: 429, type: "urn:roster:problem:rate-limited" },
};

// The families, in an order that touches the limiter first from one bundle and then from the other,
// whichever bundle serves which family (the first round served the leaver API through Next.js).
for (const order of [
  ["os1", "leaver", "console"],
  ["console", "leaver", "os1"],
] as const) {
  test(`${order.join(", then ")}: 429 with Retry-After on every family, never 500`, async () => {
    await server?.stop();
    const database = await ownDatabase("rate-limit");
    databases.push(database);
    server = await startServer(database.url, { RATE_LIMIT_REQUESTS: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: "600" });
    const cookie = await consoleCookie(database);
    const run = { leaver: leaverApi(server.baseUrl), os1: os1Api(server.baseUrl), console: consoleApi(server.baseUrl, cookie) };
    let addressSpent = false;
    for (const family of order) {
      const answers = await statuses(LIMIT + 2, run[family]);
      const allowed = family === "console" ? 200 : 401;
      const spent = family !== "console" && addressSpent;
      expect(
        answers.map((a) => a.status),
        family,
      ).toEqual(spent ? Array(LIMIT + 2).fill(429) : [...Array(LIMIT).fill(allowed), 429, 429]);
      if (family !== "console") addressSpent = true;
      expect(Number(answers.at(-1)!.retryAfter), family).toBeGreaterThan(0);
      expect(JSON.parse(answers.at(-1)!.body) as Record<string, unknown>, family).toMatchObject(BODIES[family]!);
    }
  });
}
