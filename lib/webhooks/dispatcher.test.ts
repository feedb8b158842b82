import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { deactivateUser, reactivateUser, type StatusActor } from "@/db/queries/user-status";
import { getWebhookEndpoint } from "@/db/queries/webhook-endpoints";
import { attemptsOf, deliveriesOf } from "@/db/queries/webhook-reads";
import { relayAuditEvents } from "@/db/queries/webhook-relay";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { until } from "@/test/until";
import { DISABLE_AFTER_FAILING_MS } from "./backoff";
import { startWebhookDispatcher, type DispatcherOptions, type WebhookDispatcher } from "./dispatcher";
import { createCheckedWebhookEndpoint } from "./endpoints";
import { createWebhookSender } from "./sender";
import { startTestReceiver, type TestReceiver } from "./test-receiver";

/** The order of a user's requests must never go back to an earlier event, nor move past one not yet delivered. */
function inOrderPerUser(receiver: TestReceiver, order: Map<string, number>): boolean {
  const reached = new Map<string, number>();
  for (const request of receiver.requests) {
    const user = request.data.id as string;
    const position = order.get(request.id)!;
    const last = reached.get(user) ?? -1;
    if (position < last || position > last + 1) return false;
    if (request.answered !== null && request.answered < 300) reached.set(user, position);
    else reached.set(user, position - 1);
  }
  return true;
}

describe("the webhook dispatcher", () => {
  const db = createTestDb();
  let clock = Date.now();
  const running: { dispatcher?: WebhookDispatcher; receiver?: TestReceiver } = {};

  afterEach(async () => {
    await running.dispatcher?.stop();
    await running.receiver?.stop();
    running.dispatcher = undefined;
    running.receiver = undefined;
  });

  async function setUp(database: Db = db) {
    const receiver = (running.receiver = await startTestReceiver());
    const tenant = await makeTenant(database);
    const { admin, user } = await makeAdminWithToken(database, tenant.id);
    const actor: StatusActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
    const created = await createCheckedWebhookEndpoint(
      database,
      { tenantId: tenant.id, url: receiver.url, actor },
      { allowPrivateAddresses: true, now: clock },
    );
    if (!("endpoint" in created)) throw new Error(created.refused);
    receiver.secret = created.endpoint.secret;
    return { receiver, tenantId: tenant.id, actor, endpoint: created.endpoint };
  }

  const start = (options: Partial<DispatcherOptions> = {}) =>
    (running.dispatcher = startWebhookDispatcher(db, { allowPrivateAddresses: true, pollMs: 10, now: () => clock, log: () => undefined, ...options }));

  /** A user's deactivation, whose delivery the receiver will hold without answering. */
  async function heldDelivery() {
    clock = Date.now();
    const { receiver, tenantId, actor } = await setUp();
    receiver.answer = () => "hold";
    const user = await makeUser(db, tenantId);
    await deactivateUser(db, { tenantId, userId: user.id, actor }, clock);
    return { receiver, tenantId };
  }

  it("delivers every event signed, at least once, in order per user", async () => {
    clock = Date.now();
    const { receiver, tenantId, actor } = await setUp();
    const users = await Promise.all(Array.from({ length: 5 }, () => makeUser(db, tenantId)));
    for (const user of users) {
      await deactivateUser(db, { tenantId, userId: user.id, actor }, clock);
      await reactivateUser(db, { tenantId, userId: user.id, actor }, clock);
      await deactivateUser(db, { tenantId, userId: user.id, actor }, clock);
    }
    await relayAuditEvents(db);
    const deliveries = await deliveriesOf(db, tenantId);
    const events = deliveries.map((d) => d.eventId);
    // Each event's place among its user's events.
    const order = new Map(deliveries.map((d) => [d.eventId, deliveries.filter((e) => e.userId === d.userId && e.id < d.id).length]));
    // Every user's first attempt fails once: their later events must wait for its retry.
    const failedOnce = new Set<string>();
    receiver.answer = (request) => {
      if (request.type !== "user.deactivated" || failedOnce.has(request.data.id as string)) return 204;
      failedOnce.add(request.data.id as string);
      return 503;
    };
    start();
    await until(() => receiver.requests.length === 5);
    clock += 6_000;
    await until(() => receiver.delivered().length === 15);

    expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
    expect(inOrderPerUser(receiver, order)).toBe(true);
    expect(new Set(receiver.delivered().map((r) => r.id))).toEqual(new Set(events));
    for (const user of users)
      expect(receiver.delivered().flatMap((r) => (r.data.id === user.id ? [r.type] : []))).toEqual([
        "user.deactivated",
        "user.reactivated",
        "user.deactivated",
      ]);
    await until(async () => (await deliveriesOf(db, tenantId)).every((d) => d.status === "delivered"));
  });

  it("keeps retrying while the receiver is down and delivers once it is back", async () => {
    clock = Date.now();
    const { receiver, tenantId, actor } = await setUp();
    await receiver.stop();
    const user = await makeUser(db, tenantId);
    await deactivateUser(db, { tenantId, userId: user.id, actor }, clock);
    start();
    await until(async () => (await deliveriesOf(db, tenantId))[0]?.attempts === 1);
    const [pending] = await deliveriesOf(db, tenantId);
    expect(pending).toMatchObject({ status: "pending", lastStatusCode: null });
    expect(pending!.lastError).toMatch(/ECONNREFUSED/);
    expect(pending!.nextAttemptAt - clock).toBeGreaterThanOrEqual(4_500);
    expect(pending!.nextAttemptAt - clock).toBeLessThanOrEqual(5_500);

    clock += 6_000;
    await until(async () => (await deliveriesOf(db, tenantId))[0]!.attempts === 2);
    await receiver.restart();
    clock = (await deliveriesOf(db, tenantId))[0]!.nextAttemptAt;
    await until(async () => (await deliveriesOf(db, tenantId))[0]!.status === "delivered");
    expect(receiver.delivered().map((r) => [r.type, r.data.id, r.signatureValid])).toEqual([["user.deactivated", user.id, true]]);
    const attempts = await attemptsOf(db, pending!.id);
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.error === null])).toEqual([
      [1, null, false],
      [2, null, false],
      [3, 204, true],
    ]);
  });

  it("disables an endpoint whose deliveries failed for 3 days, with an audit event", async () => {
    const startedAt = (clock = Date.now());
    const { receiver, tenantId, actor, endpoint } = await setUp();
    receiver.answer = () => 500;
    start();
    // New events keep coming while every attempt fails; the clock jumps to each next attempt.
    for (let round = 0; round < 100 && (await getWebhookEndpoint(db, tenantId, endpoint.id))?.enabled; round++) {
      const deliveries = await deliveriesOf(db, tenantId);
      const pending = deliveries.filter((d) => d.status === "pending");
      if (pending.length === 0) {
        await deactivateUser(db, { tenantId, userId: (await makeUser(db, tenantId)).id, actor }, clock);
        await relayAuditEvents(db, 1_000, clock);
        continue;
      }
      const attemptsBefore = deliveries.reduce((sum, d) => sum + d.attempts, 0);
      clock = Math.max(clock, Math.min(...pending.map((d) => d.nextAttemptAt)));
      await until(async () => {
        const now = await deliveriesOf(db, tenantId);
        return now.reduce((sum, d) => sum + d.attempts, 0) > attemptsBefore || !(await getWebhookEndpoint(db, tenantId, endpoint.id))?.enabled;
      });
    }
    const disabled = await getWebhookEndpoint(db, tenantId, endpoint.id);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: "every delivery failed for 3 days" });
    expect(disabled!.disabledAt! - startedAt).toBeGreaterThanOrEqual(DISABLE_AFTER_FAILING_MS);
    expect((await deliveriesOf(db, tenantId)).every((d) => d.status === "failed")).toBe(true);
    const audit = await prepared<{ actorType: string; targetId: string }>(
      db,
      `select actor_type as "actorType", target_id as "targetId" from audit_events where tenant_id = ? and action = 'webhook.disabled'`,
    ).all(tenantId);
    expect(audit).toEqual([{ actorType: "system", targetId: endpoint.id }]);
    // The receiver saw only failing attempts, each signed.
    expect(receiver.requests.length).toBeGreaterThan(12);
    expect(receiver.requests.every((r) => r.signatureValid && r.answered === 500)).toBe(true);
  });

  it("finishes the attempts in flight when stopped, and records them", async () => {
    const { receiver, tenantId } = await heldDelivery();
    const dispatcher = start();
    await until(() => receiver.requests.length === 1);
    // The attempt ends after the stop began (the receiver drops it): stop waits for it and records it.
    setTimeout(() => void receiver.stop(), 200);
    await dispatcher.stop();
    running.dispatcher = undefined;
    const [delivery] = await deliveriesOf(db, tenantId);
    expect(delivery).toMatchObject({ attempts: 1, leasedBy: null, status: "pending" });
  });

  it("records an attempt cut at the sender's deadline as failed, to be retried", async () => {
    const { tenantId } = await heldDelivery();
    const sender = createWebhookSender({ allowPrivateAddresses: true, timeoutMs: 300 });
    try {
      start({ sender });
      await until(async () => (await deliveriesOf(db, tenantId))[0]?.attempts === 1);
      const [delivery] = await deliveriesOf(db, tenantId);
      expect(delivery).toMatchObject({ status: "pending", leasedBy: null, lastStatusCode: null, lastError: "timed out after 0.3 s" });
      expect(delivery!.nextAttemptAt - clock).toBeGreaterThanOrEqual(4_500);
    } finally {
      await running.dispatcher?.stop();
      running.dispatcher = undefined;
      await sender.close();
    }
  });

  it("stops within its bound when an attempt does not end, leaving that delivery's lease to run out", async () => {
    const { receiver, tenantId } = await heldDelivery();
    // A sender whose attempts outlive the dispatcher's wait (its own deadline is far off).
    const sender = createWebhookSender({ allowPrivateAddresses: true, timeoutMs: 60_000 });
    const lines: string[] = [];
    try {
      const dispatcher = start({ log: (line) => lines.push(line), sender, stopWaitMs: 300 });
      await until(() => receiver.requests.length === 1);
      const started = performance.now();
      await dispatcher.stop();
      running.dispatcher = undefined;
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(lines).toEqual([expect.stringContaining("1 attempt(s) still in flight after 300 ms")]);
      // Not recorded, and still leased: another claim takes it once the lease has run out.
      const [delivery] = await deliveriesOf(db, tenantId);
      expect(delivery).toMatchObject({ attempts: 0, status: "pending", leasedBy: expect.any(String) });
    } finally {
      await sender.close();
    }
  });
});
