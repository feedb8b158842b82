import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { deleteWebhookEndpoint, getWebhookEndpointSummary, listWebhookEndpoints, rotateWebhookSecret, updateWebhookEndpoint } from "./webhook-admin";
import { createWebhookEndpoint, getWebhookEndpoint, type WebhookActor } from "./webhook-endpoints";
import { attemptsOf, deliveriesOf } from "./webhook-reads";
import { emitWebhookEvent, settleDueDeliveries } from "./webhook-test-traffic";

describe("webhook endpoint management", () => {
  const db = createTestDb();
  let tenantId = "";
  let otherTenantId = "";
  let actor: WebhookActor;

  beforeAll(async () => {
    tenantId = (await makeTenant(db)).id;
    otherTenantId = (await makeTenant(db)).id;
    const { admin } = await makeAdminWithToken(db, tenantId);
    actor = { type: "admin", id: admin.id, name: "Ada Admin" };
  });

  const createEndpoint = (options: { tenant?: string; url?: string; events?: ("user.deactivated" | "token.revoked")[] | null; now?: number } = {}) =>
    createWebhookEndpoint(
      db,
      {
        tenantId: options.tenant ?? tenantId,
        url: options.url ?? `https://hooks.example.test/${randomUUID().slice(0, 8)}`,
        events: options.events ?? null,
        secret: newWebhookSecret(),
        actor,
      },
      options.now,
    );

  const emitEvent = (at: number, tenant = tenantId) => emitWebhookEvent(db, tenant, at);
  const settleDue = (tenant: string, at: number, outcome?: "delivered" | "failed") => settleDueDeliveries(db, tenant, at, outcome);

  const auditOf = (targetId: string) =>
    prepared<{ action: string; outcome: string; actorType: string; actorId: string | null; details: string | null; requestId: string | null }>(
      db,
      `select action, outcome, actor_type as "actorType", actor_id as "actorId", details, request_id as "requestId" from audit_events
      where target_id = ? and action <> 'webhook.created' order by created_at, id`,
    )
      .all(targetId)
      .then((rows) => rows.map((row) => ({ ...row, details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>) })));

  it("lists the tenant's endpoints newest first with their pending and failed counts and last delivery, and no other tenant's", async () => {
    const tenant = (await makeTenant(db)).id;
    const older = await createEndpoint({ tenant, now: 1_000 });
    const newer = await createEndpoint({ tenant, events: ["user.deactivated"], now: 2_000 });
    await createEndpoint({ tenant: otherTenantId });

    await emitEvent(10_000, tenant); // to `older` only: `newer` takes user.deactivated alone
    await settleDue(tenant, 11_000, "delivered");
    await emitEvent(20_000, tenant);
    await settleDue(tenant, 21_000, "failed");
    await emitEvent(30_000, tenant);
    await emitEvent(31_000, tenant);

    const list = await listWebhookEndpoints(db, tenant);
    expect(list.map((endpoint) => endpoint.id)).toEqual([newer.id, older.id]);
    expect(list[1]).toMatchObject({ url: older.url, enabled: true, events: null, stats: { pending: 2, failed: 1, lastDeliveredAt: 11_000 } });
    expect(list[0]).toMatchObject({ events: ["user.deactivated"], stats: { pending: 0, failed: 0, lastDeliveredAt: null } });
    expect(await getWebhookEndpointSummary(db, tenant, older.id)).toEqual(list[1]);
    expect(await getWebhookEndpointSummary(db, otherTenantId, older.id)).toBeUndefined();
  });

  it("changes the URL, description and event types, auditing each change from and to; no change writes nothing", async () => {
    const endpoint = await createEndpoint({ events: ["token.revoked"] });
    const updated = await updateWebhookEndpoint(
      db,
      {
        tenantId,
        id: endpoint.id,
        actor,
        requestId: "req-7",
        changes: { url: "https://hooks.example.test/new", description: "CRM sync", events: ["user.deactivated", "token.revoked", "user.deactivated"] },
      },
      5_000,
    );
    // Event types are kept in their documented order, without repeats.
    expect(updated).toMatchObject({ url: "https://hooks.example.test/new", description: "CRM sync", events: ["user.deactivated", "token.revoked"] });
    expect(updated!.updatedAt).toBe(5_000);
    expect(await auditOf(endpoint.id)).toEqual([
      {
        action: "webhook.updated",
        outcome: "success",
        actorType: "admin",
        actorId: actor.id,
        requestId: "req-7",
        details: {
          url: "https://hooks.example.test/new",
          changes: {
            url: { from: endpoint.url, to: "https://hooks.example.test/new" },
            description: { from: null, to: "CRM sync" },
            events: { from: ["token.revoked"], to: ["user.deactivated", "token.revoked"] },
          },
        },
      },
    ]);

    const same = await updateWebhookEndpoint(db, { tenantId, id: endpoint.id, actor, changes: { events: ["token.revoked", "user.deactivated"] } }, 6_000);
    expect(same!.updatedAt).toBe(5_000);
    const all = await updateWebhookEndpoint(db, { tenantId, id: endpoint.id, actor, changes: { events: null, description: null } }, 7_000);
    expect(all).toMatchObject({ events: null, description: null });
    expect((await auditOf(endpoint.id)).map((event) => event.action)).toEqual(["webhook.updated", "webhook.updated"]);
  });

  it("disables an endpoint (no new events for it, queued ones wait) and enables it again, restarting its failure clock", async () => {
    const tenant = (await makeTenant(db)).id;
    const endpoint = await createEndpoint({ tenant });
    await emitEvent(1_000, tenant);
    await settleDue(tenant, 2_000, "failed");
    await emitEvent(3_000, tenant);
    expect((await getWebhookEndpoint(db, tenant, endpoint.id))!.failingSince).toBe(2_000);

    const disabled = await updateWebhookEndpoint(db, { tenantId: tenant, id: endpoint.id, actor, changes: { enabled: false } }, 4_000);
    expect(disabled).toMatchObject({ enabled: false, disabledAt: 4_000, disabledReason: "disabled by Ada Admin", failingSince: 2_000 });
    await emitEvent(5_000, tenant);
    expect((await deliveriesOf(db, tenant)).map((d) => d.status)).toEqual(["failed", "pending"]);
    expect(await settleDue(tenant, 6_000)).toBe(0);

    const enabled = await updateWebhookEndpoint(db, { tenantId: tenant, id: endpoint.id, actor, changes: { enabled: true } }, 7_000);
    expect(enabled).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null, failingSince: null, stats: { pending: 1, failed: 1 } });
    expect(await settleDue(tenant, 8_000, "delivered")).toBe(1);
    expect(
      (await auditOf(endpoint.id)).map(({ action, outcome, actorType, details }) => ({ action, outcome, actorType, failingSince: details?.failingSince })),
    ).toEqual([
      { action: "webhook.disabled", outcome: "disabled", actorType: "admin", failingSince: 2_000 },
      { action: "webhook.enabled", outcome: "enabled", actorType: "admin", failingSince: 2_000 },
    ]);
  });

  it("rotates the secret, auditing without it", async () => {
    const endpoint = await createEndpoint();
    const secret = newWebhookSecret();
    const rotated = await rotateWebhookSecret(db, { tenantId, id: endpoint.id, actor, secret }, 9_000);
    expect(rotated).toMatchObject({ id: endpoint.id, secret, updatedAt: 9_000 });
    expect((await getWebhookEndpoint(db, tenantId, endpoint.id))!.secret).toBe(secret);
    const events = await auditOf(endpoint.id);
    expect(events.map((event) => event.action)).toEqual(["webhook.secret_rotated"]);
    expect(JSON.stringify(events)).not.toContain(secret.slice("whsec_".length));
  });

  it("deletes an endpoint with its delivery log, keeping the events other endpoints still deliver", async () => {
    const tenant = (await makeTenant(db)).id;
    const doomed = await createEndpoint({ tenant });
    const kept = await createEndpoint({ tenant });
    await emitEvent(1_000, tenant);
    await settleDue(tenant, 2_000, "failed");
    const doomedDelivery = (await deliveriesOf(db, tenant)).find((d) => d.endpointId === doomed.id)!;
    expect(await attemptsOf(db, doomedDelivery.id)).toHaveLength(1);

    const deleted = await deleteWebhookEndpoint(db, { tenantId: tenant, id: doomed.id, actor }, 3_000);
    expect(deleted).toMatchObject({ id: doomed.id, url: doomed.url });
    expect(await getWebhookEndpoint(db, tenant, doomed.id)).toBeUndefined();
    expect((await deliveriesOf(db, tenant)).map((d) => d.endpointId)).toEqual([kept.id]);
    expect(await attemptsOf(db, doomedDelivery.id)).toEqual([]);
    expect(await auditOf(doomed.id)).toMatchObject([
      { action: "webhook.deleted", outcome: "success", details: { url: doomed.url, events: null, enabled: true, deliveries: 1 } },
    ]);
    expect(await deleteWebhookEndpoint(db, { tenantId: tenant, id: doomed.id, actor })).toBeUndefined();
  });

  it("finds no endpoint of another tenant to change, and changes nothing there", async () => {
    const theirs = await createEndpoint({ tenant: otherTenantId });
    const context = { tenantId, id: theirs.id, actor };
    expect(await updateWebhookEndpoint(db, { ...context, changes: { url: "https://evil.example.test/", enabled: false } })).toBeUndefined();
    expect(await rotateWebhookSecret(db, { ...context, secret: newWebhookSecret() })).toBeUndefined();
    expect(await deleteWebhookEndpoint(db, context)).toBeUndefined();
    expect(await getWebhookEndpoint(db, otherTenantId, theirs.id)).toEqual(theirs);
    expect(await auditOf(theirs.id)).toEqual([]);
  });
});
