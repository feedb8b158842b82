import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { AuditEvent } from "../schema";
import { WEBHOOK_TEST_EVENT, type WebhookEventType } from "../schema/webhook-constants";

// The webhook outbox (docs/decisions/0018): events derive from audit events, so every path that
// audits a change emits its event and a rolled-back change emits none. PostgreSQL writes them in
// the change's transaction (recordAuditEvent(s)); SQLite once it commits (./webhook-relay.ts). A
// tenant without an endpoint for the event writes nothing.

/** The audit events (action and outcome) that are webhook events, and their types. */
const EVENT_TYPES: Readonly<Record<string, WebhookEventType>> = {
  "user.created created": "user.created",
  "user.updated updated": "user.updated",
  "identity.linked linked": "user.updated",
  "user.deactivate deactivated": "user.deactivated",
  "user.reactivate reactivated": "user.reactivated",
  "job.completed completed": "leaver_job.completed",
  "job.undone undone": "leaver_job.undone",
  // A token revoked by hand: those a deactivation revokes are counted in user.deactivated (tokensRevoked).
  "token.revoked success": "token.revoked",
};

export const webhookEventTypeOf = (action: string, outcome: string): WebhookEventType | undefined => EVENT_TYPES[`${action} ${outcome}`];

/** The audit actions some webhook event comes from. */
export const WEBHOOK_AUDIT_ACTIONS: readonly string[] = [...new Set(Object.keys(EVENT_TYPES).map((key) => key.split(" ")[0]!))];

/** An enabled endpoint as the outbox reads it: whose it is and the types it takes (JSON text, null: all). */
export type Subscriber = { tenantId: string; id: string; events: string | null };

export const SUBSCRIBER_COLUMNS = `tenant_id as "tenantId", id, events from webhook_endpoints`;
/** The enabled endpoints of one tenant (webhook_endpoints_tenant_idx): audit.ts reads them in its insert's statement (PostgreSQL). */
export const SUBSCRIBERS_OF_TENANT = `select ${SUBSCRIBER_COLUMNS} where tenant_id = ? and enabled = true`;
/** The same for the tenants of a JSON array of tenant ids. */
export const SUBSCRIBERS_OF_TENANTS = `select ${SUBSCRIBER_COLUMNS} where tenant_id in (select jsonb_array_elements_text(?::jsonb)) and enabled = true`;

/** The body every attempt sends and signs (Standard Webhooks): `data` is documented per type in docs/webhooks.md. */
export type WebhookPayload = { type: string; timestamp: string; data: Record<string, unknown> };

type OutboxEvent = { id: string; tenantId: string; type: string; userId: string | null; payload: WebhookPayload; createdAt: number; endpointIds: string[] };

/** Per tenant, its endpoints and the types each takes (null: all). */
function subscriptions(subscribers: readonly Subscriber[]): Map<string, { id: string; types: Set<string> | null }[]> {
  const byTenant = new Map<string, { id: string; types: Set<string> | null }[]>();
  for (const { tenantId, id, events } of subscribers) {
    const list = byTenant.get(tenantId) ?? [];
    list.push({ id, types: events === null ? null : new Set(JSON.parse(events) as string[]) });
    byTenant.set(tenantId, list);
  }
  return byTenant;
}

const isUserEvent = (event: AuditEvent) => event.targetType === "user" && event.targetId !== null;

/**
 * Writes the webhook events of audit events, in the caller's transaction (the change's on
 * PostgreSQL, the relay's on SQLite): one outbox row per event that an enabled endpoint of its
 * tenant takes, and one pending delivery per such endpoint, due at once. `subscribers` are the
 * enabled endpoints of the events' tenants.
 */
export async function writeWebhookEvents(db: Db, events: readonly AuditEvent[], subscribers: readonly Subscriber[]): Promise<void> {
  const byTenant = subscriptions(subscribers);
  const picked: { event: AuditEvent; type: WebhookEventType; endpointIds: string[] }[] = [];
  for (const event of events) {
    const type = webhookEventTypeOf(event.action, event.outcome);
    if (!type) continue;
    const endpointIds = (byTenant.get(event.tenantId) ?? []).flatMap(({ id, types }) => (types === null || types.has(type) ? [id] : []));
    if (endpointIds.length > 0) picked.push({ event, type, endpointIds });
  }
  if (picked.length === 0) return;
  const emails = await emailsOf(
    db,
    picked.flatMap(({ event }) => (isUserEvent(event) && typeof event.details?.email !== "string" ? [event.targetId!] : [])),
  );
  const outbox = picked.map(({ event, type, endpointIds }): OutboxEvent => {
    const userId = isUserEvent(event) ? event.targetId : null;
    // Object.assign, not a spread followed by more keys: V8 builds that literal ~15 times slower
    // (1.7 against 0.1 µs; 8 µs of each event of a leaver job in a profile), the same object either way.
    const data: Record<string, unknown> = Object.assign({}, event.details);
    data.id = event.targetId;
    data.tenantId = event.tenantId;
    data.auditEventId = event.id;
    data.actor = { type: event.actorType, id: event.actorId, name: event.actorName };
    if (userId !== null) data.email = typeof event.details?.email === "string" ? event.details.email : (emails.get(userId) ?? null);
    const payload = { type, timestamp: new Date(event.createdAt).toISOString(), data };
    return { id: newEventId(), tenantId: event.tenantId, type, userId, payload, createdAt: event.createdAt, endpointIds };
  });
  await insertOutbox(db, outbox);
}

/** The webhook-id of an event: the same on every attempt, for receivers to de-duplicate by. */
const newEventId = () => `msg_${randomUUID().replaceAll("-", "")}`;

/** The current address of users whose audit event does not name it (a SCIM update). */
async function emailsOf(db: Db, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows =
    db.dialect === "sqlite"
      ? (await Promise.all(userIds.map((id) => prepared<{ id: string; email: string }>(db, `select id, email from users where id = ?`).get(id)))).flatMap(
          (row) => (row ? [row] : []),
        )
      : await prepared<{ id: string; email: string }>(db, `select id, email from users where id in (select jsonb_array_elements_text(?::jsonb))`).all(
          JSON.stringify(userIds),
        );
  return new Map(rows.map((row) => [row.id, row.email]));
}

const INSERT_EVENT = `insert into webhook_events (id, tenant_id, type, user_id, payload, created_at) values (?, ?, ?, ?, ?, ?)`;
// Selected from the endpoint rather than given as values: an endpoint deleted meanwhile gets no delivery.
const INSERT_DELIVERY = `insert into webhook_deliveries (endpoint_id, event_sequence, user_id, status, attempts, next_attempt_at, created_at, updated_at)
  select id, ?, ?, 'pending', 0, ?, ?, ? from webhook_endpoints where id = ?`;
// The same, numbered by the event just inserted on this connection (SQLite): one statement less for
// the common event with one endpoint.
const INSERT_DELIVERY_OF_LAST_EVENT = `insert into webhook_deliveries (endpoint_id, event_sequence, user_id, status, attempts, next_attempt_at, created_at, updated_at)
  select id, last_insert_rowid(), ?, 'pending', 0, ?, ?, ? from webhook_endpoints where id = ?`;

// PostgreSQL: the batch's events and their deliveries in one statement. The events are numbered
// in the order given (the sort feeds the insert), which is the order of their audit events. `json`,
// not `jsonb`: it is only read once, and a json value's text is the one sent, so that each body is
// stored exactly as JSON.stringify wrote it (as on SQLite), without being escaped into a string first.
const INSERT_OUTBOX = `with written as (
    insert into webhook_events (id, tenant_id, type, user_id, payload, created_at)
    select id, tenant_id, type, user_id, payload::text, created_at
    from json_to_recordset(?::json) as e(n int, id text, tenant_id text, type text, user_id text, payload json, created_at bigint)
    order by n
    returning sequence, id, user_id, created_at
  )
  insert into webhook_deliveries (endpoint_id, event_sequence, user_id, status, attempts, next_attempt_at, created_at, updated_at)
  select p.id, w.sequence, w.user_id, 'pending', 0, w.created_at, w.created_at, w.created_at
  from written w join json_to_recordset(?::json) as t(event_id text, endpoint_id text) on t.event_id = w.id
  join webhook_endpoints p on p.id = t.endpoint_id`;

async function insertOutbox(db: Db, outbox: readonly OutboxEvent[]): Promise<void> {
  if (db.dialect === "sqlite") {
    for (const event of outbox) {
      const at = event.createdAt;
      const values = [event.id, event.tenantId, event.type, event.userId, JSON.stringify(event.payload), at] as const;
      if (event.endpointIds.length === 1) {
        await prepared(db, INSERT_EVENT).run(...values);
        await prepared(db, INSERT_DELIVERY_OF_LAST_EVENT).run(event.userId, at, at, at, event.endpointIds[0]!);
        continue;
      }
      const { sequence } = (await prepared<{ sequence: number }>(db, `${INSERT_EVENT} returning sequence`).get(...values))!;
      for (const endpointId of event.endpointIds) await prepared(db, INSERT_DELIVERY).run(sequence, event.userId, at, at, at, endpointId);
    }
    return;
  }
  const events = outbox.map((event, n) => ({
    n,
    id: event.id,
    tenant_id: event.tenantId,
    type: event.type,
    user_id: event.userId,
    payload: event.payload,
    created_at: event.createdAt,
  }));
  const targets = outbox.flatMap((event) => event.endpointIds.map((endpointId) => ({ event_id: event.id, endpoint_id: endpointId })));
  await prepared(db, INSERT_OUTBOX).run(JSON.stringify(events), JSON.stringify(targets));
}

/**
 * A `webhook.test` event for one endpoint only (the console's "Send test event"), whatever types it
 * takes and even when disabled (it then waits until the endpoint is enabled). Its id, for the log.
 */
export async function enqueueWebhookTestEvent(
  db: Db,
  endpoint: { id: string; tenantId: string },
  actor: { type: string; id: string | null; name: string },
  now = Date.now(),
): Promise<string> {
  const id = newEventId();
  const data = { endpointId: endpoint.id, tenantId: endpoint.tenantId, actor };
  const payload = { type: WEBHOOK_TEST_EVENT, timestamp: new Date(now).toISOString(), data };
  const event = { id, tenantId: endpoint.tenantId, type: WEBHOOK_TEST_EVENT, userId: null, payload, createdAt: now, endpointIds: [endpoint.id] };
  await inTransaction(db, "immediate", () => insertOutbox(db, [event]));
  return id;
}
