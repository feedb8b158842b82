import { randomUUID } from "node:crypto";
import { prepared, type Connection } from "../prepared";
import type { AuditEvent } from "../schema";

export type NewAuditEvent = Omit<AuditEvent, "id" | "createdAt" | "actorId" | "actorName" | "targetType" | "targetId" | "requestId" | "details"> &
  Partial<Pick<AuditEvent, "actorId" | "actorName" | "targetType" | "targetId" | "requestId" | "details" | "createdAt">>;

const INSERT_AUDIT_EVENT = `insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details, created_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * The one way an audit event is written (db/one-way.test.ts holds db/ to it). Audit events are only
 * ever inserted; callers write them in the transaction of the change they record, on the same
 * connection (see Connection). A prepared statement: bulk jobs write one per user.
 */
export function recordAuditEvent(db: Connection, event: NewAuditEvent): AuditEvent {
  const row: AuditEvent = {
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
  };
  prepared(db, INSERT_AUDIT_EVENT).run(
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
  );
  return row;
}
