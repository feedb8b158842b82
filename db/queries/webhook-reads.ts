import type { Db } from "../client";
import { prepared } from "../prepared";
import type { WebhookPayload } from "./webhook-outbox";

// What the webhook tests read back: a tenant's outbox, its deliveries and their attempts.

export type OutboxRow = { sequence: number; id: string; type: string; userId: string | null; payload: WebhookPayload; createdAt: number };
export type DeliveryRow = {
  id: number;
  endpointId: string;
  eventId: string;
  eventType: string;
  userId: string | null;
  status: string;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  leasedBy: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: number | null;
};
export type AttemptRow = { attempt: number; attemptedAt: number; statusCode: number | null; error: string | null; latencyMs: number };

export async function outboxOf(db: Db, tenantId: string): Promise<OutboxRow[]> {
  const rows = await prepared<Omit<OutboxRow, "payload"> & { payload: string }>(
    db,
    `select sequence, id, type, user_id as "userId", payload, created_at as "createdAt" from webhook_events where tenant_id = ? order by sequence`,
  ).all(tenantId);
  return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as WebhookPayload }));
}

export function deliveriesOf(db: Db, tenantId: string): Promise<DeliveryRow[]> {
  return prepared<DeliveryRow>(
    db,
    `select d.id, d.endpoint_id as "endpointId", e.id as "eventId", e.type as "eventType", d.user_id as "userId", d.status, d.attempts,
      d.next_attempt_at as "nextAttemptAt", d.lease_until as "leaseUntil", d.leased_by as "leasedBy", d.last_status_code as "lastStatusCode",
      d.last_error as "lastError", d.delivered_at as "deliveredAt"
    from webhook_deliveries d join webhook_events e on e.sequence = d.event_sequence where e.tenant_id = ? order by d.id`,
  ).all(tenantId);
}

export function attemptsOf(db: Db, deliveryId: number): Promise<AttemptRow[]> {
  return prepared<AttemptRow>(
    db,
    `select attempt, attempted_at as "attemptedAt", status_code as "statusCode", error, latency_ms as "latencyMs"
    from webhook_attempts where delivery_id = ? order by attempt`,
  ).all(deliveryId);
}
