import { expect, test } from "@playwright/test";
import type { Param } from "@/db/driver/types";
import type { TestReceiver } from "@/lib/webhooks/test-receiver";
import { ownDatabase, seedOwnTenant, startServer, type OwnDatabase, type OwnServer } from "../fixtures/server";
import { subscribedReceiver } from "../fixtures/webhook-receiver";

// No event is lost when the server dies between the commit of a change and the delivery of its
// event (issue: webhooks). The production server (dist/server.cjs, as `npm start` runs it) runs a
// leaver job and its undo, each user's deactivation then reactivation, while the receiver holds
// its first request open and answers 503 to the others; the server is killed with SIGKILL, the
// receiver comes back, a new server starts on the same database, and every event arrives: at
// least once, signed, each user's in order. Its own servers, ports and database (SQLite or PostgreSQL).

const USERS = 20;
// Two jobs' user events, their two leaver_job.completed and one leaver_job.undone.
const EVENTS = 2 * USERS + 3;
const SERVER_ENV = { RATE_LIMIT_REQUESTS: "100000", WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "true" };
let database: OwnDatabase;
let receiver: TestReceiver;
const servers: OwnServer[] = [];

async function startOwnServer(): Promise<OwnServer> {
  const server = await startServer(database.url, SERVER_ENV);
  servers.push(server);
  return server;
}

test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  database = await ownDatabase("webhooks-crash");
});

test.afterAll(async () => {
  for (const server of servers) await server.stop("SIGKILL");
  await receiver?.stop();
  await database?.remove();
});

test("events committed before a SIGKILL all reach the receiver after a restart, signed and in order per user", async () => {
  const { tenantId, token } = await seedOwnTenant(database.url, USERS * 2, "hooks");
  const db = database.db();
  const one = async (sql: string, ...params: Param[]) => (await db.statement<{ n: number }>(sql).get(...params))!.n;
  receiver = await subscribedReceiver(tenantId, { db });
  // Down, in a way: the first request is never answered (its lease must end after the crash), the others fail.
  receiver.answer = (request) => (receiver.requests.indexOf(request) === 0 ? "hold" : 503);

  const emails = (
    await db
      .statement<{ email: string }>(
        "select email from users where tenant_id = ? and active = true and id not in (select user_id from admins) order by email limit ?",
      )
      .all(tenantId, USERS)
  ).map((row) => row.email);
  expect(emails).toHaveLength(USERS);
  const headers = { "X-API-Key": token, "X-Tenant-ID": tenantId };

  const first = await startOwnServer();
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${first.baseUrl}${path}`, { ...init, headers: { ...headers, ...init.headers } });
    return { status: response.status, data: ((await response.json()) as { data: { id: string; status: string } }).data };
  };
  const completed = (jobId: string) =>
    expect.poll(async () => (await api(`/v1/leaver-jobs/${jobId}`)).data.status, { timeout: 30_000, intervals: [100] }).toBe("completed");

  const preview = await api("/v1/leaver-jobs/previews", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: `email,reason\n${emails.map((email) => `${email},webhooks crash test`).join("\n")}\n`,
  });
  expect(preview.status).toBe(201);
  const job = await api("/v1/leaver-jobs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ previewId: preview.data.id }),
  });
  expect(job.status).toBe(202);
  await completed(job.data.id);
  const undo = await api(`/v1/leaver-jobs/${job.data.id}/undo`, { method: "POST" });
  expect(undo.status).toBe(202);
  await completed(undo.data.id);

  // Every event is in the outbox and being tried: one request held open, others answered 503.
  const outboxSize = () => one("select count(*) as n from webhook_events where tenant_id = ?", tenantId);
  await expect.poll(outboxSize, { timeout: 30_000 }).toBe(EVENTS);
  await expect.poll(() => receiver.requests.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await first.stop("SIGKILL");
  expect(receiver.delivered()).toEqual([]);

  receiver.answer = () => 204;
  await startOwnServer();
  const events = await db
    .statement<{ id: string; userId: string | null }>(`select id, user_id as "userId" from webhook_events where tenant_id = ? order by sequence`)
    .all(tenantId);
  expect(events).toHaveLength(EVENTS);
  // The held delivery waits for its lease (30 s) to end; its user's next event waits for it.
  await expect.poll(() => new Set(receiver.delivered().map((request) => request.id)).size, { timeout: 120_000, intervals: [500] }).toBe(EVENTS);

  expect(new Set(receiver.delivered().map((request) => request.id))).toEqual(new Set(events.map((event) => event.id)));
  expect(receiver.requests.filter((request) => !request.signatureValid)).toEqual([]);
  // In order per user: no request for a user's event before the user's earlier events were answered 2xx.
  const place = new Map(events.map((event, i) => [event.id, { userId: event.userId, i }]));
  const answeredUpTo = new Map<string, number>();
  for (const request of receiver.requests) {
    const { userId, i } = place.get(request.id)!;
    if (userId === null) continue;
    const earlier = events.filter((event, j) => event.userId === userId && j < i).map((event) => event.id);
    const doneBefore = earlier.every((id) =>
      receiver.requests.some((r) => r.id === id && r.answered !== null && r.answered < 300 && r.receivedAt <= request.receivedAt),
    );
    expect(doneBefore, `${request.type} of ${userId} came after its earlier events were delivered`).toBe(true);
    answeredUpTo.set(userId, i);
  }
  expect(answeredUpTo.size).toBe(USERS);
  expect(receiver.delivered().filter((request) => request.type === "user.deactivated")).toHaveLength(USERS);
  expect(receiver.delivered().filter((request) => request.type === "user.reactivated")).toHaveLength(USERS);
});
