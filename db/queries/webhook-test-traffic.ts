import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { recordAuditEvent } from "./audit";
import { listWebhookEndpoints } from "./webhook-admin";
import { claimDueDeliveries, recordAttempts, releaseLeases } from "./webhook-deliveries";
import { relayAuditEvents } from "./webhook-relay";

// Webhook traffic for the management tests, made through the real paths: events through the audit
// log and the outbox, attempts recorded as a dispatcher records them (without sending anything).

/**
 * A token.revoked event at `at` (no user, so no per-user order): one pending delivery per endpoint
 * of the tenant that takes it, once SQLite's relay has moved it into the outbox (PostgreSQL writes
 * it with the audit event).
 */
export async function emitWebhookEvent(db: Db, tenantId: string, at: number): Promise<void> {
  await recordAuditEvent(db, {
    tenantId,
    actorType: "system",
    actorName: "test",
    action: "token.revoked",
    targetType: "token",
    targetId: randomUUID(),
    outcome: "success",
    createdAt: at,
  });
  await relayAuditEvents(db);
}

/**
 * Claims the tenant's due deliveries as a dispatcher does (the claim is global: other tenants' are
 * released at once) and, given an outcome, records one attempt at each (a failure gives up: no
 * retry is scheduled); without one, releases them too. How many of the tenant's were due.
 */
export async function settleDueDeliveries(db: Db, tenantId: string, at: number, outcome?: "delivered" | "failed"): Promise<number> {
  const holder = `test-${randomUUID().slice(0, 8)}`;
  const ours = new Set((await listWebhookEndpoints(db, tenantId)).map((endpoint) => endpoint.id));
  const claimed = await claimDueDeliveries(db, { holder, now: at, leaseMs: 30_000, limit: 1_000 });
  const mine = claimed.filter((delivery) => ours.has(delivery.endpointId));
  const release = outcome ? claimed.filter((delivery) => !ours.has(delivery.endpointId)) : claimed;
  await releaseLeases(
    db,
    holder,
    release.map((delivery) => delivery.id),
  );
  if (outcome) {
    const records = mine.map((delivery) => ({
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      attempt: delivery.attempts + 1,
      attemptedAt: at,
      statusCode: outcome === "delivered" ? 204 : 500,
      error: outcome === "delivered" ? null : "HTTP 500: down",
      latencyMs: 12,
      outcome,
      nextAttemptAt: null,
    }));
    await recordAttempts(db, holder, records, at, 0);
  }
  return mine.length;
}
