import { beforeAll, describe, expect, it } from "vitest";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { createWebhookEndpoint, type WebhookActor } from "./webhook-endpoints";
import { listWebhookDeliveries, redeliverFailedWebhookDeliveries, redeliverWebhookDelivery, type WebhookDeliveryView } from "./webhook-delivery-log";
import { deliveriesOf } from "./webhook-reads";
import { emitWebhookEvent, settleDueDeliveries } from "./webhook-test-traffic";

describe("webhook delivery log and redelivery", () => {
  const db = createTestDb();
  let actor: WebhookActor;
  let otherTenantId = "";

  beforeAll(async () => {
    otherTenantId = (await makeTenant(db)).id;
    const { admin } = await makeAdminWithToken(db, otherTenantId);
    actor = { type: "admin", id: admin.id, name: "Ada Admin" };
  });

  async function tenantWithEndpoint() {
    const tenantId = (await makeTenant(db)).id;
    const endpoint = await createWebhookEndpoint(db, { tenantId, url: "https://hooks.example.test/in", secret: newWebhookSecret(), actor });
    return { tenantId, endpointId: endpoint.id };
  }

  const redeliveries = (endpointId: string) =>
    prepared<{ actorType: string; actorId: string; details: string }>(
      db,
      `select actor_type as "actorType", actor_id as "actorId", details from audit_events where target_id = ? and action = 'webhook.redelivered' order by created_at`,
    )
      .all(endpointId)
      .then((rows) => rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> })));

  it("pages through the log newest first by keyset, each delivery with its attempts, of one status if asked", async () => {
    const { tenantId, endpointId } = await tenantWithEndpoint();
    // Five events, two of them at the same time: the id breaks the tie.
    for (const at of [1_000, 2_000, 2_000, 3_000, 4_000]) await emitWebhookEvent(db, tenantId, at);
    await settleDueDeliveries(db, tenantId, 2_500, "failed");
    await settleDueDeliveries(db, tenantId, 3_500, "delivered");

    const walk = async (limit: number, status?: WebhookDeliveryView["status"]) => {
      const [seen, pages]: [WebhookDeliveryView[], number[]] = [[], []];
      let page = await listWebhookDeliveries(db, { tenantId, endpointId, status, limit });
      for (;;) {
        pages.push(page!.deliveries.length);
        seen.push(...page!.deliveries);
        if (!page!.next) return { seen, pages };
        page = await listWebhookDeliveries(db, { tenantId, endpointId, status, limit, after: page!.next });
      }
    };
    const { seen, pages } = await walk(2);
    expect(pages).toEqual([2, 2, 1]);
    // Any page size gives the same log, pages ending inside the tie at 2,000 included.
    for (const limit of [1, 3, 5]) expect((await walk(limit)).seen).toEqual(seen);
    expect((await walk(1, "failed")).seen).toEqual(seen.filter((d) => d.status === "failed"));
    const all = await deliveriesOf(db, tenantId);
    expect(seen.map((d) => d.id)).toEqual(all.map((d) => d.id).sort((a, b) => b - a));
    expect(seen.map((d) => d.createdAt)).toEqual([4_000, 3_000, 2_000, 2_000, 1_000]);
    expect(seen.map((d) => d.status)).toEqual(["pending", "delivered", "failed", "failed", "failed"]);

    const failed = seen.find((d) => d.createdAt === 1_000)!;
    expect(failed).toMatchObject({ eventType: "token.revoked", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500: down", lastLatencyMs: 12 });
    expect(failed.eventId).toMatch(/^msg_/);
    expect(JSON.parse(failed.payload)).toMatchObject({ type: "token.revoked", timestamp: new Date(1_000).toISOString() });
    expect(failed.attemptLog).toEqual([{ attempt: 1, attemptedAt: 2_500, statusCode: 500, error: "HTTP 500: down", latencyMs: 12 }]);
    expect(seen.find((d) => d.createdAt === 3_000)).toMatchObject({ deliveredAt: 3_500, attemptLog: [{ attempt: 1, statusCode: 204, error: null }] });
    expect(seen[0]).toMatchObject({ status: "pending", nextAttemptAt: 4_000, attempts: 0, attemptLog: [] });

    const failedOnly = await listWebhookDeliveries(db, { tenantId, endpointId, status: "failed", limit: 2 });
    expect(failedOnly!.deliveries.map((d) => d.createdAt)).toEqual([2_000, 2_000]);
    const rest = await listWebhookDeliveries(db, { tenantId, endpointId, status: "failed", limit: 2, after: failedOnly!.next! });
    expect(rest).toMatchObject({ deliveries: [{ createdAt: 1_000 }], next: null });
    expect(await listWebhookDeliveries(db, { tenantId: otherTenantId, endpointId, limit: 10 })).toBeUndefined();
  });

  it("redelivers one delivery: pending again and due now, its attempts numbered on, audited", async () => {
    const { tenantId, endpointId } = await tenantWithEndpoint();
    await emitWebhookEvent(db, tenantId, 1_000);
    await settleDueDeliveries(db, tenantId, 2_000, "failed");
    const [delivery] = await deliveriesOf(db, tenantId);

    expect(await redeliverWebhookDelivery(db, { tenantId: otherTenantId, endpointId, deliveryId: delivery!.id, actor })).toBeUndefined();
    const other = await tenantWithEndpoint();
    expect(await redeliverWebhookDelivery(db, { tenantId: other.tenantId, endpointId: other.endpointId, deliveryId: delivery!.id, actor })).toBeUndefined();
    expect((await deliveriesOf(db, tenantId))[0]!.status).toBe("failed");

    const redelivered = await redeliverWebhookDelivery(db, { tenantId, endpointId, deliveryId: delivery!.id, actor, requestId: "req-1" }, 5_000);
    expect(redelivered).toMatchObject({ id: delivery!.id, status: "pending", nextAttemptAt: 5_000, attempts: 1, attemptLog: [{ attempt: 1 }] });
    expect(await redeliveries(endpointId)).toEqual([
      {
        actorType: "admin",
        actorId: actor.id,
        details: { deliveries: 1, deliveryId: delivery!.id, eventId: delivery!.eventId, eventType: "token.revoked", status: "failed" },
      },
    ]);
    expect(await settleDueDeliveries(db, tenantId, 4_999)).toBe(0);
    await settleDueDeliveries(db, tenantId, 5_000, "delivered");
    const [after] = (await listWebhookDeliveries(db, { tenantId, endpointId, limit: 1 }))!.deliveries;
    expect(after).toMatchObject({ status: "delivered", attempts: 2, deliveredAt: 5_000 });
    expect(after!.attemptLog.map((a) => a.statusCode)).toEqual([500, 204]);
  });

  it("redelivers every failed delivery of events since a time, once audited with the count; none failed writes nothing", async () => {
    const { tenantId, endpointId } = await tenantWithEndpoint();
    for (const at of [1_000, 2_000, 3_000]) await emitWebhookEvent(db, tenantId, at);
    await settleDueDeliveries(db, tenantId, 3_500, "failed");
    await emitWebhookEvent(db, tenantId, 4_000);
    await settleDueDeliveries(db, tenantId, 4_500, "delivered");

    expect(await redeliverFailedWebhookDeliveries(db, { tenantId: otherTenantId, endpointId, since: 0, actor })).toBeUndefined();
    expect(await redeliverFailedWebhookDeliveries(db, { tenantId, endpointId, since: 2_000, actor }, 6_000)).toEqual({ redelivered: 2 });
    const statuses = (await deliveriesOf(db, tenantId)).map((d) => [d.status, d.nextAttemptAt]);
    expect(statuses).toEqual([
      ["failed", 1_000],
      ["pending", 6_000],
      ["pending", 6_000],
      ["delivered", 4_000],
    ]);
    expect((await redeliveries(endpointId)).map((event) => event.details)).toEqual([{ deliveries: 2, failedSince: new Date(2_000).toISOString() }]);

    expect(await redeliverFailedWebhookDeliveries(db, { tenantId, endpointId, since: 2_000, actor }, 7_000)).toEqual({ redelivered: 0 });
    expect(await redeliveries(endpointId)).toHaveLength(1);
  });
});
