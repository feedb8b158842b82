import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { WebhookEndpoint } from "../schema";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../schema/webhook-constants";
import { recordAuditEvent } from "./audit";
import { webhookEndpointColumns, webhookEndpointFromRow, type WebhookActor, type WebhookEndpointRow } from "./webhook-endpoints";

// The console's and the CLI's management of a tenant's webhook endpoints (creating one is in
// webhook-endpoints.ts). Every change is written with its audit event in one transaction; another
// tenant's endpoint is not found, exactly like a missing one.

/** What the endpoint list shows beside each endpoint. */
export type WebhookEndpointStats = {
  /** Deliveries waiting to be sent (or sent again). */
  pending: number;
  /** Deliveries that gave up (every attempt failed, or the endpoint was disabled for failing). */
  failed: number;
  /** When the newest delivered event reached the endpoint; null when none has. */
  lastDeliveredAt: number | null;
};

export type WebhookEndpointSummary = WebhookEndpoint & { stats: WebhookEndpointStats };

/** Who changes an endpoint, and the request that did it (the audit event's). */
export type WebhookChangeContext = { tenantId: string; id: string; actor: WebhookActor; requestId?: string | null };

// Each an index range of webhook_deliveries_endpoint_status_created_idx (endpoint, status, created_at,
// id): the counts read the entries of their status alone (covering), the newest delivered one a
// single entry.
const STATS_COLUMNS = `(select count(*) from webhook_deliveries d where d.endpoint_id = p.id and d.status = 'pending') as pending,
  (select count(*) from webhook_deliveries d where d.endpoint_id = p.id and d.status = 'failed') as failed,
  (select d.delivered_at from webhook_deliveries d where d.endpoint_id = p.id and d.status = 'delivered'
    order by d.created_at desc limit 1) as "lastDeliveredAt"`;

const LIST_ENDPOINTS = `select ${webhookEndpointColumns("p.")}, ${STATS_COLUMNS}
  from webhook_endpoints p where p.tenant_id = ? order by p.created_at desc, p.id`;
const ENDPOINT_SUMMARY = `select ${webhookEndpointColumns("p.")}, ${STATS_COLUMNS}
  from webhook_endpoints p where p.id = ? and p.tenant_id = ?`;

type SummaryRow = WebhookEndpointRow & { pending: number; failed: number; lastDeliveredAt: number | null };

const summaryFromRow = ({ pending, failed, lastDeliveredAt, ...row }: SummaryRow): WebhookEndpointSummary => ({
  ...webhookEndpointFromRow(row),
  stats: { pending: Number(pending), failed: Number(failed), lastDeliveredAt: lastDeliveredAt === null ? null : Number(lastDeliveredAt) },
});

/** The tenant's endpoints, newest first, each with its delivery counts. */
export async function listWebhookEndpoints(db: Db, tenantId: string): Promise<WebhookEndpointSummary[]> {
  return (await prepared<SummaryRow>(db, LIST_ENDPOINTS).all(tenantId)).map(summaryFromRow);
}

/** One endpoint of the tenant with its delivery counts; another tenant's is undefined. */
export async function getWebhookEndpointSummary(db: Db, tenantId: string, id: string): Promise<WebhookEndpointSummary | undefined> {
  const row = await prepared<SummaryRow>(db, ENDPOINT_SUMMARY).get(id, tenantId);
  return row && summaryFromRow(row);
}

// A change reads the endpoint first and decides from what it read: on PostgreSQL the row is locked
// until the change commits, so that two admins' changes are applied one after the other.
const ENDPOINT_TO_CHANGE = {
  sqlite: `select ${webhookEndpointColumns()} from webhook_endpoints where id = ? and tenant_id = ?`,
  postgres: `select ${webhookEndpointColumns()} from webhook_endpoints where id = ? and tenant_id = ? for update`,
};

async function endpointToChange(db: Db, tenantId: string, id: string): Promise<WebhookEndpoint | undefined> {
  const row = await prepared<WebhookEndpointRow>(db, ENDPOINT_TO_CHANGE[db.dialect]).get(id, tenantId);
  return row && webhookEndpointFromRow(row);
}

function audit(db: Db, context: WebhookChangeContext, action: string, outcome: string, details: Record<string, unknown>, now: number) {
  return recordAuditEvent(db, {
    tenantId: context.tenantId,
    actorType: context.actor.type,
    actorId: context.actor.id ?? null,
    actorName: context.actor.name,
    action,
    targetType: "webhook_endpoint",
    targetId: context.id,
    outcome,
    requestId: context.requestId ?? null,
    details,
    createdAt: now,
  });
}

/** The types in their canonical order, without repeats; null (all types) stays null. */
export const canonicalEvents = (events: readonly WebhookEventType[] | null): WebhookEventType[] | null =>
  events === null ? null : WEBHOOK_EVENT_TYPES.filter((type) => events.includes(type));

export type WebhookEndpointChanges = {
  url?: string;
  description?: string | null;
  /** null: every event type, including those added later. */
  events?: readonly WebhookEventType[] | null;
  enabled?: boolean;
};

// The flag is bound as 1 or 0 (SQLite binds no booleans) and compared, so that both databases store a boolean.
const UPDATE_ENDPOINT = `update webhook_endpoints set url = ?, description = ?, events = ?, enabled = (? = 1), disabled_at = ?, disabled_reason = ?,
  failing_since = ?, updated_at = ? where id = ?`;

/**
 * Changes an endpoint's URL, description, event types or whether it is enabled. The settings are
 * audited as `webhook.updated` (each changed field, from and to), enabling and disabling as
 * `webhook.enabled` / `webhook.disabled`; nothing is written when nothing changes. Disabling stops
 * new events for it, and keeps those already queued until it is enabled again; enabling (like a
 * new URL) restarts the failure clock that disables an endpoint after 3 days.
 */
export function updateWebhookEndpoint(
  db: Db,
  context: WebhookChangeContext & { changes: WebhookEndpointChanges },
  now = Date.now(),
): Promise<WebhookEndpointSummary | undefined> {
  return inTransaction(db, "immediate", async () => {
    const before = await endpointToChange(db, context.tenantId, context.id);
    if (!before) return undefined;
    const { changes } = context;
    const next = {
      url: changes.url ?? before.url,
      description: changes.description === undefined ? before.description : changes.description,
      events: changes.events === undefined ? before.events : canonicalEvents(changes.events),
      enabled: changes.enabled ?? before.enabled,
    };
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    if (next.url !== before.url) changed.url = { from: before.url, to: next.url };
    if (next.description !== before.description) changed.description = { from: before.description, to: next.description };
    if (JSON.stringify(canonicalEvents(before.events)) !== JSON.stringify(next.events)) changed.events = { from: before.events, to: next.events };
    const toggled = next.enabled !== before.enabled;
    if (Object.keys(changed).length === 0 && !toggled) return getWebhookEndpointSummary(db, context.tenantId, context.id);

    const disabled = toggled ? (next.enabled ? { at: null, reason: null } : { at: now, reason: `disabled by ${context.actor.name}` }) : null;
    const failingSince = (toggled && next.enabled) || changed.url ? null : before.failingSince;
    await prepared(db, UPDATE_ENDPOINT).run(
      next.url,
      next.description,
      next.events === null ? null : JSON.stringify(next.events),
      next.enabled ? 1 : 0,
      disabled ? disabled.at : before.disabledAt,
      disabled ? disabled.reason : before.disabledReason,
      failingSince,
      now,
      context.id,
    );
    if (Object.keys(changed).length > 0) await audit(db, context, "webhook.updated", "success", { url: next.url, changes: changed }, now);
    if (toggled) {
      const action = next.enabled ? "webhook.enabled" : "webhook.disabled";
      await audit(db, context, action, next.enabled ? "enabled" : "disabled", { url: next.url, failingSince: before.failingSince }, now);
    }
    return getWebhookEndpointSummary(db, context.tenantId, context.id);
  });
}

const ROTATE_SECRET = `update webhook_endpoints set secret = ?, updated_at = ? where id = ? and tenant_id = ? returning ${webhookEndpointColumns()}`;

/**
 * Gives an endpoint a new secret (made by lib/webhooks/signing.ts): every attempt from now on,
 * queued deliveries included, is signed with it. Audited as `webhook.secret_rotated`, without the secret.
 */
export function rotateWebhookSecret(db: Db, context: WebhookChangeContext & { secret: string }, now = Date.now()): Promise<WebhookEndpoint | undefined> {
  return inTransaction(db, "immediate", async () => {
    const row = await prepared<WebhookEndpointRow>(db, ROTATE_SECRET).get(context.secret, now, context.id, context.tenantId);
    if (!row) return undefined;
    const endpoint = webhookEndpointFromRow(row);
    await audit(db, context, "webhook.secret_rotated", "success", { url: endpoint.url }, now);
    return endpoint;
  });
}

const COUNT_DELIVERIES = `select count(*) as n from webhook_deliveries where endpoint_id = ?`;
const DELETE_ENDPOINT = `delete from webhook_endpoints where id = ?`;

/**
 * Deletes an endpoint with its deliveries and their attempts (the delivery log); the audit log keeps
 * `webhook.deleted` with its URL and how many deliveries it had. To keep the log, disable it instead.
 * The events stay in the outbox for the tenant's other endpoints.
 */
export function deleteWebhookEndpoint(db: Db, context: WebhookChangeContext, now = Date.now()): Promise<WebhookEndpoint | undefined> {
  return inTransaction(db, "immediate", async () => {
    const endpoint = await endpointToChange(db, context.tenantId, context.id);
    if (!endpoint) return undefined;
    const deliveries = Number((await prepared<{ n: number }>(db, COUNT_DELIVERIES).get(endpoint.id))!.n);
    await prepared(db, DELETE_ENDPOINT).run(endpoint.id);
    await audit(db, context, "webhook.deleted", "success", { url: endpoint.url, events: endpoint.events, enabled: endpoint.enabled, deliveries }, now);
    return endpoint;
  });
}
