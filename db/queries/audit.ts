import { randomUUID } from "node:crypto";
import type { Queryable } from "../client";
import { auditEvents, type AuditEvent } from "../schema";

export type NewAuditEvent = Omit<AuditEvent, "id" | "createdAt" | "actorId" | "actorName" | "targetType" | "targetId" | "requestId" | "details"> &
  Partial<Pick<AuditEvent, "actorId" | "actorName" | "targetType" | "targetId" | "requestId" | "details" | "createdAt">>;

/** Audit events are only ever inserted; callers write them in the transaction of the change they record. */
export function recordAuditEvent(db: Queryable, event: NewAuditEvent): AuditEvent {
  return db
    .insert(auditEvents)
    .values({ id: randomUUID(), createdAt: Date.now(), ...event })
    .returning()
    .get();
}
