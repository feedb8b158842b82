import { v7 as timeOrderedUuid } from "uuid";
import type { Db } from "../client";
import { prepared } from "../prepared";
import { wellFormed } from "../well-formed";
import type { AuditEvent } from "../schema";
import { appendToChains, type ChainedFields } from "./audit-chain";
import { SUBSCRIBERS_OF_TENANT, SUBSCRIBERS_OF_TENANTS, writeWebhookEvents, type Subscriber } from "./webhook-outbox";

export type NewAuditEvent = Pick<AuditEvent, "tenantId" | "actorType" | "action" | "outcome"> &
  Partial<Pick<AuditEvent, "id" | "actorId" | "actorName" | "targetType" | "targetId" | "requestId" | "details" | "createdAt">>;

const INSERT_AUDIT_EVENT = `insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details,
  created_at, chain_seq, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The columns of audit_events as an AuditEvent's fields (`details` still JSON text: see auditEventFromRow). */
export const AUDIT_EVENT_COLUMNS =
  'id, tenant_id as "tenantId", actor_type as "actorType", actor_id as "actorId", actor_name as "actorName", action, ' +
  'target_type as "targetType", target_id as "targetId", outcome, request_id as "requestId", details, created_at as "createdAt", ' +
  'chain_seq as "chainSeq", prev_hash as "prevHash", hash';

export type AuditEventRow = Omit<AuditEvent, "details"> & { details: string | null };

export const auditEventFromRow = (row: AuditEventRow): AuditEvent => ({
  ...row,
  details: row.details === null ? null : (JSON.parse(row.details) as AuditEvent["details"]),
});

/**
 * The event as it is stored (before its place in the chain): a new id, and null or now where the caller left a field out.
 * The id is a UUIDv7, whose leading timestamp puts each new event at the end of the primary key's index: with random
 * (v4) ids every event of a 90,000-row leaver job wrote a page of that index somewhere else.
 */
// Well-formed text (../well-formed.ts): hashed as given, a lone surrogate read back no longer matched its
// hash, and verification reported a change nobody made.
const auditRow = (event: NewAuditEvent): ChainedFields =>
  wellFormed({
    id: event.id ?? timeOrderedUuid(),
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
  return (await recordAuditEvents(db, [event]))[0]!;
}

const insertValues = (row: AuditEvent) => [
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
  row.chainSeq,
  row.prevHash,
  row.hash,
];

// The events as rows of a JSON array, read by jsonb_to_recordset: one statement and one parameter
// for a whole batch, whatever its size (a multi-row VALUES list would need 12 parameters per event).
// The events' tenants' webhook endpoints are read in the same statement, as recordAuditEvent does.
const INSERT_AUDIT_EVENTS = `with written as (
  insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details, created_at,
    chain_seq, prev_hash, hash)
  select id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details, created_at, chain_seq, prev_hash, hash
  from jsonb_to_recordset(?::jsonb) as e(id text, tenant_id text, actor_type text, actor_id text, actor_name text, action text, target_type text,
    target_id text, outcome text, request_id text, details jsonb, created_at bigint, chain_seq bigint, prev_hash text, hash text)
  ) ${SUBSCRIBERS_OF_TENANTS}`;

/**
 * Several audit events at once, in the caller's transaction, as recordAuditEvent writes each: a
 * leaver job's batch writes one per user. On PostgreSQL one statement, where a round trip per event
 * was most of a batch's time; SQLite's prepared insert per event costs microseconds, so it stays.
 */
export async function recordAuditEvents(db: Db, events: readonly NewAuditEvent[]): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  // The chain's head stays locked from the reservation to the commit (see appendToChains).
  if (!db.inTransaction()) return db.transaction(() => recordAuditEvents(db, events), "immediate");
  const rows = await appendToChains(db, events.map(auditRow));
  if (db.dialect === "sqlite") {
    const insert = prepared(db, INSERT_AUDIT_EVENT);
    for (const row of rows) await insert.run(...insertValues(row));
    return rows;
  }
  const subscribers =
    rows.length === 1
      ? await prepared<Subscriber>(db, INSERT_AUDIT_EVENT_READING_SUBSCRIBERS).all(...insertValues(rows[0]!), rows[0]!.tenantId)
      : await prepared<Subscriber>(db, INSERT_AUDIT_EVENTS).all(
          JSON.stringify(
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
              chain_seq: row.chainSeq,
              prev_hash: row.prevHash,
              hash: row.hash,
            })),
          ),
          JSON.stringify([...new Set(rows.map((row) => row.tenantId))]),
        );
  if (subscribers.length > 0) await writeWebhookEvents(db, rows, subscribers);
  return rows;
}
