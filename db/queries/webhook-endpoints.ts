import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import type { ACTOR_TYPES } from "../constants";
import { inTransaction, prepared } from "../prepared";
import type { WebhookEndpoint } from "../schema";
import type { WebhookEventType } from "../schema/webhook-constants";
import { recordAuditEvent } from "./audit";

// A tenant's webhook endpoints (db/schema/webhooks.ts). lib/webhooks checks the URL and makes the
// secret before anything is written here; the console's management queries live beside this file.

/** Who changes an endpoint: an admin (console), a token, the system (CLI, the dispatcher). */
export type WebhookActor = { type: (typeof ACTOR_TYPES)[number]; id?: string; name: string };

/**
 * The columns of webhook_endpoints as a WebhookEndpoint's fields, `t` being the table's alias with
 * its dot (or ""). `events` and `createdBy` are still JSON text: see webhookEndpointFromRow.
 */
export const webhookEndpointColumns = (t = "") =>
  `${t}id, ${t}tenant_id as "tenantId", ${t}url, ${t}description, ${t}events, ${t}secret, ${t}enabled, ${t}disabled_at as "disabledAt",
  ${t}disabled_reason as "disabledReason", ${t}failing_since as "failingSince", ${t}created_by as "createdBy", ${t}created_at as "createdAt",
  ${t}updated_at as "updatedAt"`;

/** A row read with webhookEndpointColumns: flags as 1/0 and JSON as text, on both databases. */
export type WebhookEndpointRow = Omit<WebhookEndpoint, "events" | "enabled" | "createdBy"> & {
  events: string | null;
  enabled: number | boolean;
  createdBy: string | null;
};

export const webhookEndpointFromRow = (row: WebhookEndpointRow): WebhookEndpoint => ({
  ...row,
  events: row.events === null ? null : (JSON.parse(row.events) as WebhookEventType[]),
  enabled: Boolean(row.enabled),
  createdBy: row.createdBy === null ? null : (JSON.parse(row.createdBy) as WebhookEndpoint["createdBy"]),
});

const INSERT_ENDPOINT = `insert into webhook_endpoints (id, tenant_id, url, description, events, secret, enabled, created_by, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, true, ?, ?, ?) returning ${webhookEndpointColumns()}`;
const ENDPOINT_BY_ID = `select ${webhookEndpointColumns()} from webhook_endpoints where id = ? and tenant_id = ?`;

export type CreateWebhookEndpointInput = {
  tenantId: string;
  url: string;
  description?: string | null;
  /** null or absent: every event type. */
  events?: readonly WebhookEventType[] | null;
  /** Made by lib/webhooks/signing.ts (newWebhookSecret). */
  secret: string;
  actor: WebhookActor;
  requestId?: string | null;
};

/**
 * Creates an endpoint and its `webhook.created` audit event in one transaction. The secret is in
 * the returned row for the caller to show once; the audit event does not carry it.
 */
export function createWebhookEndpoint(db: Db, input: CreateWebhookEndpointInput, now = Date.now()): Promise<WebhookEndpoint> {
  return inTransaction(db, "immediate", async () => {
    const events = input.events ? [...new Set(input.events)] : null;
    const createdBy = input.actor.id ? JSON.stringify({ id: input.actor.id, name: input.actor.name }) : null;
    const row = await prepared<WebhookEndpointRow>(db, INSERT_ENDPOINT).get(
      randomUUID(),
      input.tenantId,
      input.url,
      input.description ?? null,
      events === null ? null : JSON.stringify(events),
      input.secret,
      createdBy,
      now,
      now,
    );
    const endpoint = webhookEndpointFromRow(row!);
    await recordAuditEvent(db, {
      tenantId: input.tenantId,
      actorType: input.actor.type,
      actorId: input.actor.id ?? null,
      actorName: input.actor.name,
      action: "webhook.created",
      targetType: "webhook_endpoint",
      targetId: endpoint.id,
      outcome: "success",
      requestId: input.requestId ?? null,
      details: { url: endpoint.url, events: endpoint.events },
      createdAt: now,
    });
    return endpoint;
  });
}

/** One endpoint of the tenant; another tenant's is undefined, as a missing one is. */
export async function getWebhookEndpoint(db: Db, tenantId: string, id: string): Promise<WebhookEndpoint | undefined> {
  const row = await prepared<WebhookEndpointRow>(db, ENDPOINT_BY_ID).get(id, tenantId);
  return row && webhookEndpointFromRow(row);
}
