import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { prepared } from "../prepared";
import type { AuditEvent } from "../schema";
import { SUBSCRIBERS_OF_TENANT, SUBSCRIBERS_OF_TENANTS, writeWebhookEvents, type Subscriber } from "./webhook-outbox";

export type NewAuditEvent = Omit<AuditEvent, "id" | "createdAt" | "actorId" | "actorName" | "targetType" | "targetId" | "requestId" | "details"> &
  Partial<Pick<AuditEvent, "actorId" | "actorName" | "targetType" | "targetId" | "requestId" | "details" | "createdAt">>;

const INSERT_AUDIT_EVENT = `insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details, created_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The columns of audit_events as an AuditEvent's fields (`details` still JSON text: see auditEventFromRow). */
export const AUDIT_EVENT_COLUMNS =
  'id, tenant_id as "tenantId", actor_type as "actorType", actor_id as "actorId", actor_name as "actorName", action, ' +
  'target_type as "targetType", target_id as "targetId", outcome, request_id as "requestId", details, created_at as "createdAt"';

export type AuditEventRow = Omit<AuditEvent, "details"> & { details: string | null };

export const auditEventFromRow = (row: AuditEventRow): AuditEvent => ({
  ...row,
  details: row.details === null ? null : (JSON.parse(row.details) as AuditEvent["details"]),
});

/** The event as it is stored: a new id, and null or now where the caller left a field out. */
const auditRow = (event: NewAuditEvent): AuditEvent => ({
  id: randomUUID(),
  tenantId: event.tenantId,
  actorType: event.actorType,
  actorId: event.actorId ?? null,
  actorName: event.actorName ?? null,
  action: event.action,
  targetType: event.targetType ?? null,
  targetId: event.targetId ?? null,
  outcome: event.outcome,
  requestId: event.requestId ?? null,
  details: event.details ?? null,
  createdAt: event.createdAt ?? Date.now(),
});

// PostgreSQL writes the webhook outbox in the change's transaction, and reads the tenant's webhook
// endpoints in the insert's own statement: a tenant without any pays no round trip for webhooks.
// SQLite leaves it to the relay, after the commit (db/queries/webhook-relay.ts, docs/decisions/0018).
const INSERT_AUDIT_EVENT_READING_SUBSCRIBERS = `with written as (${INSERT_AUDIT_EVENT}) ${SUBSCRIBERS_OF_TENANT}`;

/**
 * The one way an audit event is written (db/one-way.test.ts holds db/ to it). Audit events are only
 * ever inserted; callers write them in the transaction of the change they record (a statement from
 * the transaction's async context belongs to it). A prepared statement: bulk jobs write one per user.
 * An audit event that is a webhook event (db/queries/webhook-outbox.ts) becomes one, durably: on
 * PostgreSQL in this transaction, on SQLite by the relay once it commits.
 */
export async function recordAuditEvent(db: Db, event: NewAuditEvent): Promise<AuditEvent> {
  const row = auditRow(event);
  const values = [
    row.id,
    row.tenantId,
    row.actorType,
    row.actorId,
    row.actorName,
    row.action,
    row.targetType,
    row.targetId,
    row.outcome,
    row.requestId,
    row.details === null ? null : JSON.stringify(row.details),
    row.createdAt,
  ];
  if (db.dialect === "sqlite") {
    await prepared(db, INSERT_AUDIT_EVENT).run(...values);
    return row;
  }
  const subscribers = await prepared<Subscriber>(db, INSERT_AUDIT_EVENT_READING_SUBSCRIBERS).all(...values, row.tenantId);
  if (subscribers.length > 0) await writeWebhookEvents(db, [row], subscribers);
  return row;
}

// The events as rows of a JSON array, read by jsonb_to_recordset: one statement and one parameter
// for a whole batch, whatever its size (a multi-row VALUES list would need 12 parameters per event).
// The events' tenants' webhook endpoints are read in the same statement, as recordAuditEvent does.
const INSERT_AUDIT_EVENTS = `with written as (
  insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details, created_at)
  select id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details, created_at
  from jsonb_to_recordset(?::jsonb) as e(id text, tenant_id text, actor_type text, actor_id text, actor_name text, action text, target_type text,
    target_id text, outcome text, request_id text, details jsonb, created_at bigint)
  ) ${SUBSCRIBERS_OF_TENANTS}`;

/**
 * Several audit events at once, in the caller's transaction, as recordAuditEvent writes each: a
 * leaver job's batch writes one per user. On PostgreSQL one statement, where a round trip per event
 * was most of a batch's time; SQLite's prepared insert per event costs microseconds, so it stays.
 */
export async function recordAuditEvents(db: Db, events: readonly NewAuditEvent[]): Promise<AuditEvent[]> {
  if (db.dialect === "sqlite") {
    const written: AuditEvent[] = [];
    for (const event of events) written.push(await recordAuditEvent(db, event));
    return written;
  }
  if (events.length === 0) return [];
  const rows = events.map(auditRow);
  const json = JSON.stringify(
    rows.map((row) => ({
      id: row.id,
      tenant_id: row.tenantId,
      actor_type: row.actorType,
      actor_id: row.actorId,
      actor_name: row.actorName,
      action: row.action,
      target_type: row.targetType,
      target_id: row.targetId,
      outcome: row.outcome,
      request_id: row.requestId,
      details: row.details,
      created_at: row.createdAt,
    })),
  );
  const tenants = JSON.stringify([...new Set(rows.map((row) => row.tenantId))]);
  const subscribers = await prepared<Subscriber>(db, INSERT_AUDIT_EVENTS).all(json, tenants);
  if (subscribers.length > 0) await writeWebhookEvents(db, rows, subscribers);
  return rows;
}
