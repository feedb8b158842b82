import { expect, test } from "@playwright/test";
import { openDatabase } from "@/db/client";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { startServer, tempDatabase, type OwnServer } from "../fixtures/server";

// A rate-limited request answers 429 on every API family, whichever touches the limiter first in
// a process. The vendor APIs run in the custom server's bundle and the console's API in Next's,
// each with its own copy of the code: a rejection from one copy's limiter must still be a 429 in
// the other (it was a 500: `instanceof` of the other copy's class failed). Servers of its own,
// with a budget of 5 requests.

const LIMIT = 5;
test.describe.configure({ mode: "serial", timeout: 180_000 });

let database: ReturnType<typeof tempDatabase>;
let server: OwnServer | undefined;
test.beforeAll(() => (database = tempDatabase("rate-limit")));
test.afterAll(async () => {
  await server?.stop();
  database.remove();
});

function consoleCookie(dbFile: string): string {
  const db = openDatabase(dbFile);
  try {
    const admin = db.$client.prepare("select a.id as adminId, a.tenant_id as tenantId from admins a limit 1").get() as { adminId: string; tenantId: string };
    return `${SESSION_COOKIE}=${openSession(db, admin).cookieValue}`;
  } finally {
    db.$client.close();
  }
}

async function statuses(count: number, request: () => Promise<Response>) {
  const answers: { status: number; retryAfter: string | null; body: string }[] = [];
  for (let i = 0; i < count; i++) {
    const response = await request();
    answers.push({ status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.text() });
  }
  return answers;
}

const vendor = (base: string) => () => fetch(`${base}/v1/leaver-jobs`, { headers: { "X-API-Key": "rpat_bad", "X-Tenant-ID": "00000000-0000-4000-8000-000000000000" } });
const consoleApi = (base: string, cookie: string) => () => fetch(`${base}/api/console/users`, { headers: { cookie } });

for (const order of [["vendor", "console"], ["console", "vendor"]] as const) {
  test(`a ${order[0]} request touching the limiter first, then the ${order[1]}: 429 with Retry-After on both, never 500`, async () => {
    await server?.stop();
    server = await startServer(database.dbFile, { RATE_LIMIT_REQUESTS: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: "600" });
    const cookie = consoleCookie(database.dbFile);
    const run = { vendor: vendor(server.baseUrl), console: consoleApi(server.baseUrl, cookie) };
    for (const family of order) {
      const answers = await statuses(LIMIT + 2, run[family]);
      const expected = family === "vendor" ? 401 : 200;
      expect(answers.map((a) => a.status), family).toEqual([...Array(LIMIT).fill(expected), 429, 429]);
      expect(Number(answers.at(-1)!.retryAfter), family).toBeGreaterThan(0);
      const body = JSON.parse(answers.at(-1)!.body) as Record<string, unknown>;
      expect(body, family).toMatchObject(family === "vendor" ? { code: "rate_limited" } : { code: "rate_limited", status: 429, type: "urn:roster:problem:rate-limited" });
    }
  });
}
