import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { inTransaction, prepared } from "../prepared";
import type { WebhookEventType } from "../schema/webhook-constants";
import { recordAuditEvent, recordAuditEvents } from "./audit";
import { revokeToken } from "./tokens";
import { applyDeactivations, deactivateUser, reactivateUser, type StatusActor } from "./user-status";
import { createWebhookEndpoint } from "./webhook-endpoints";
import { enqueueWebhookTestEvent, webhookEventTypeOf } from "./webhook-outbox";
import { deliveriesOf, outboxOf } from "./webhook-reads";
import { relayAuditEvents } from "./webhook-relay";

describe("the webhook outbox (derived from the audit events)", () => {
  const db = createTestDb();
  // What the dispatcher sees: on SQLite once the relay has run (a no-op on PostgreSQL, which writes them with the change).
  const relayedOutbox = async (tenantId: string) => (await relayAuditEvents(db), outboxOf(db, tenantId));
  const relayedDeliveries = async (tenantId: string) => (await relayAuditEvents(db), deliveriesOf(db, tenantId));

  async function tenantWith(...subscriptions: (readonly WebhookEventType[] | null)[]) {
    const tenant = await makeTenant(db);
    const { admin, user } = await makeAdminWithToken(db, tenant.id);
    const actor: StatusActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
    const endpoints = [];
    for (const events of subscriptions)
      endpoints.push(await createWebhookEndpoint(db, { tenantId: tenant.id, url: "https://hooks.example.test/in", events, secret: "whsec_dGVzdA==", actor }));
    return { tenantId: tenant.id, actor, endpoints, adminUserId: user.id };
  }

  it("maps the audit events that are webhook events, and no others", () => {
    expect(webhookEventTypeOf("user.deactivate", "deactivated")).toBe("user.deactivated");
    expect(webhookEventTypeOf("user.deactivate", "already_inactive")).toBeUndefined();
    expect(webhookEventTypeOf("user.reactivate", "reactivated")).toBe("user.reactivated");
    expect(webhookEventTypeOf("identity.linked", "linked")).toBe("user.updated");
    expect(webhookEventTypeOf("job.undone", "undone")).toBe("leaver_job.undone");
    expect(webhookEventTypeOf("token.created", "success")).toBeUndefined();
  });

  it("writes nothing for a tenant without endpoints", async () => {
    const { tenantId, actor } = await tenantWith();
    const user = await makeUser(db, tenantId);
    await deactivateUser(db, { tenantId, userId: user.id, actor });
    expect(await relayedOutbox(tenantId)).toEqual([]);
  });

  it("writes one event per change and one due delivery per endpoint that takes its type", async () => {
    const { tenantId, actor, endpoints } = await tenantWith(null, ["user.reactivated"], ["user.deactivated", "token.revoked"]);
    const [all, reactivations, deactivations] = endpoints.map((e) => e.id);
    const user = await makeUser(db, tenantId);
    await deactivateUser(db, { tenantId, userId: user.id, actor, requestId: "req-1" }, 5_000);
    await reactivateUser(db, { tenantId, userId: user.id, actor }, 6_000);
    // A no-op is audited but is no event.
    await reactivateUser(db, { tenantId, userId: user.id, actor }, 7_000);

    const outbox = await relayedOutbox(tenantId);
    expect(outbox.map((e) => e.type)).toEqual(["user.deactivated", "user.reactivated"]);
    expect(outbox[0]!.sequence).toBeLessThan(outbox[1]!.sequence);
    expect(outbox.every((e) => /^msg_[0-9a-f]{32}$/.test(e.id) && e.userId === user.id)).toBe(true);
    const deliveries = await relayedDeliveries(tenantId);
    const endpointsOf = (type: string) => deliveries.flatMap((d) => (d.eventType === type ? [d.endpointId] : [])).sort();
    expect(endpointsOf("user.deactivated")).toEqual([all, deactivations].sort());
    expect(endpointsOf("user.reactivated")).toEqual([all, reactivations].sort());
    expect(deliveries.every((d) => d.status === "pending" && d.attempts === 0)).toBe(true);
    expect(deliveries[0]!.nextAttemptAt).toBe(5_000);
  });

  it("gives the payload the Standard Webhooks shape, with the audit event's id, the actor and the user's email", async () => {
    const { tenantId, actor } = await tenantWith(null);
    const user = await makeUser(db, tenantId, { email: "leaver@example.test" });
    await deactivateUser(db, { tenantId, userId: user.id, actor, auditDetails: { reason: "left" } }, Date.UTC(2030, 0, 2, 3, 4, 5));
    const [event] = await relayedOutbox(tenantId);
    const [audit] = await prepared<{ id: string }>(db, `select id from audit_events where tenant_id = ? and action = 'user.deactivate'`).all(tenantId);
    expect(event!.payload).toEqual({
      type: "user.deactivated",
      timestamp: "2030-01-02T03:04:05.000Z",
      data: {
        id: user.id,
        tenantId,
        auditEventId: audit!.id,
        actor: { type: "admin", id: actor.id, name: "Ada" },
        email: "leaver@example.test",
        tokensRevoked: 0,
        sessionsRevoked: 0,
        reason: "left",
      },
    });
  });

  it("names the user's current email when the audit event does not (a SCIM update)", async () => {
    const { tenantId } = await tenantWith(null);
    const user = await makeUser(db, tenantId, { email: "scim@example.test" });
    const base = { tenantId, actorType: "provider" as const, actorId: "idp-1", actorName: "Okta", targetType: "user", targetId: user.id };
    await recordAuditEvent(db, { ...base, action: "user.updated", outcome: "updated", details: { fields: ["name"] } });
    const [event] = await relayedOutbox(tenantId);
    expect(event!.payload.data).toMatchObject({ id: user.id, email: "scim@example.test", fields: ["name"], actor: { type: "provider", name: "Okta" } });
  });

  it("writes nothing for disabled endpoints or another tenant's", async () => {
    const { tenantId, actor, endpoints } = await tenantWith(null);
    await tenantWith(null);
    await prepared(db, `update webhook_endpoints set enabled = false where id = ?`).run(endpoints[0]!.id);
    const user = await makeUser(db, tenantId);
    await deactivateUser(db, { tenantId, userId: user.id, actor });
    expect(await relayedOutbox(tenantId)).toEqual([]);
  });

  it("commits or rolls back with the change", async () => {
    const { tenantId, actor } = await tenantWith(null);
    const user = await makeUser(db, tenantId);
    await expect(
      inTransaction(db, "immediate", async () => {
        await deactivateUser(db, { tenantId, userId: user.id, actor });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await relayedOutbox(tenantId)).toEqual([]);
    expect(await relayedDeliveries(tenantId)).toEqual([]);
  });

  it("numbers a batch's events in the order of its audit events (a leaver job's set-based batch)", async () => {
    const { tenantId, actor } = await tenantWith(null, null);
    const users = await Promise.all(Array.from({ length: 6 }, () => makeUser(db, tenantId)));
    const change = { tenantId, actor, users: users.map((u, i) => ({ userId: u.id, auditDetails: { jobId: "job-1", ticket: `T-${i}` } })) };
    await inTransaction(db, "immediate", () => applyDeactivations(db, change, 9_000));
    const outbox = await relayedOutbox(tenantId);
    expect(outbox.map((e) => e.userId)).toEqual(users.map((u) => u.id));
    expect(outbox.map((e) => e.payload.data.ticket)).toEqual(users.map((_, i) => `T-${i}`));
    expect((await relayedDeliveries(tenantId)).length).toBe(12);
  });

  it("writes the events of several tenants' audit events at once to each tenant's endpoints", async () => {
    const a = await tenantWith(["leaver_job.completed"]);
    const b = await tenantWith(null);
    const event = (tenantId: string) => ({ tenantId, actorType: "system" as const, action: "job.completed", targetType: "leaver_job", outcome: "completed" });
    await inTransaction(db, "immediate", () =>
      recordAuditEvents(db, [
        { ...event(a.tenantId), targetId: "job-a" },
        { ...event(b.tenantId), targetId: "job-b" },
      ]),
    );
    expect((await relayedOutbox(a.tenantId)).map((e) => [e.type, e.userId, e.payload.data.id])).toEqual([["leaver_job.completed", null, "job-a"]]);
    expect((await relayedDeliveries(b.tenantId)).map((d) => d.endpointId)).toEqual([b.endpoints[0]!.id]);
  });

  it("emits token.revoked for a token revoked by hand, and counts those a deactivation revokes in user.deactivated", async () => {
    const { tenantId, actor } = await tenantWith(null);
    const holder = await makeAdminWithToken(db, tenantId);
    await revokeToken(db, holder.tokenId, { type: "admin", id: actor.id, name: "Ada" });
    const other = await makeAdminWithToken(db, tenantId);
    await deactivateUser(db, { tenantId, userId: other.user.id, actor });
    const outbox = await relayedOutbox(tenantId);
    expect(outbox.map((e) => e.type)).toEqual(["token.revoked", "user.deactivated"]);
    expect(outbox[0]!.payload.data).toMatchObject({ id: holder.tokenId, name: "test" });
    expect(outbox[1]!.payload.data).toMatchObject({ id: other.user.id, tokensRevoked: 1, sessionsRevoked: 1 });
  });

  it("queues a test event for one endpoint, whatever types it takes", async () => {
    const { tenantId, endpoints } = await tenantWith(["token.revoked"], null);
    const id = await enqueueWebhookTestEvent(db, endpoints[0]!, { type: "admin", id: "a-1", name: "Ada" });
    const deliveries = await relayedDeliveries(tenantId);
    expect(deliveries.map((d) => [d.eventId, d.eventType, d.endpointId])).toEqual([[id, "webhook.test", endpoints[0]!.id]]);
  });
});
