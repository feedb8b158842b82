import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs, json, partOf, timestamps } from "./columns";
import type { ActorRef } from "./keys";
import { tenantId } from "./tenants";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_TEST_EVENT, type WebhookEventType } from "./webhook-constants";

// Event webhooks (docs/decisions/0018): endpoints per tenant, an outbox of events written in the
// transaction of the change (db/queries/audit.ts), one delivery per (endpoint, event), and every
// attempt to send one. Written by db/queries/webhook-*.ts, sent by lib/webhooks/dispatcher.ts.

/** A URL of the tenant's that receives signed event deliveries. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    url: text("url").notNull(),
    description: text("description"),
    // The event types it receives; null: all of them, including types added later.
    events: json<WebhookEventType[]>("events"),
    // "whsec_" + base64 of 32 random bytes, kept as it is: signing needs the secret itself, not a hash (0018).
    secret: text("secret").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    disabledAt: epochMs("disabled_at"),
    disabledReason: text("disabled_reason"),
    // The first failed attempt since the last delivered one; after 3 days the endpoint is disabled.
    failingSince: epochMs("failing_since"),
    createdBy: json<ActorRef>("created_by"),
    ...timestamps,
  },
  (t) => [index("webhook_endpoints_tenant_idx").on(t.tenantId, t.enabled)],
);

/** The outbox: one row per event of a tenant that had an endpoint for it, written in the change's transaction. */
export const webhookEvents = sqliteTable("webhook_events", {
  // Increasing (SQLite's rowid, one more than the largest: pruning never deletes the newest row; an
  // identity on PostgreSQL): the order of a user's events.
  sequence: integer("sequence").primaryKey(),
  // "msg_" + a random UUID: the webhook-id header, the same on every attempt, for the receiver to
  // de-duplicate by. Unique by construction; no index: nothing looks an event up by it, and every
  // index costs each row of a bulk job.
  id: text("id").notNull(),
  // No foreign keys on the outbox's rows, unlike elsewhere: PostgreSQL checks each one per row, a
  // quarter of the time a leaver batch spends writing its outbox. writeWebhookEvents writes them
  // from the rows they name, in the same transaction, and none of those is ever deleted. Events and
  // finished deliveries are pruned after WEBHOOK_RETENTION_DAYS (db/queries/webhook-retention.ts).
  tenantId: text("tenant_id").notNull(),
  type: text("type").$type<WebhookEventType | typeof WEBHOOK_TEST_EVENT>().notNull(),
  // The user the event is about: a user's events reach each endpoint in order; null for the others.
  userId: text("user_id"),
  // The body exactly as it is sent and signed, {type, timestamp, data}: text, not JSON, so that
  // every attempt sends the same bytes (PostgreSQL's jsonb would reorder the keys).
  payload: text("payload").notNull(),
  createdAt: epochMs("created_at").notNull(),
});

/** One event for one endpoint: sent until a 2xx answer, retried with backoff for more than 24 hours. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey(),
    endpointId: partOf("endpoint_id", () => webhookEndpoints.id),
    // The event's (no foreign key: see webhook_events.tenant_id).
    eventSequence: integer("event_sequence").notNull(),
    // The event's, copied so that the order check reads one index.
    userId: text("user_id"),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: epochMs("next_attempt_at").notNull(),
    // Held by a dispatcher while it sends: no other instance takes it until the lease ends, which
    // it does by itself when the holder dies.
    leaseUntil: epochMs("lease_until"),
    leasedBy: text("leased_by"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastLatencyMs: integer("last_latency_ms"),
    deliveredAt: epochMs("delivered_at"),
    ...timestamps,
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    // The delivery log newest first, of one status or of all three merged, and an endpoint's counts per
    // status: each an index range (db/queries/webhook-delivery-log.ts).
    index("webhook_deliveries_endpoint_status_created_idx").on(t.endpointId, t.status, t.createdAt, t.id),
    // A delivery waits for its user's earlier pending ones: with the status in the key, that check is
    // one probe however many of the user's deliveries were delivered before.
    index("webhook_deliveries_order_idx").on(t.endpointId, t.userId, t.status, t.eventSequence),
    // Whether any delivery still holds an event: the outbox keeps it until none does (db/queries/webhook-retention.ts).
    index("webhook_deliveries_event_idx").on(t.eventSequence),
  ],
);

/** Every attempt at a delivery: the delivery log's lines. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    deliveryId: integer("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    // 1 for the first attempt.
    attempt: integer("attempt").notNull(),
    attemptedAt: epochMs("attempted_at").notNull(),
    // The answer's status, or null when none came (then `error` says why: a timeout, a refused connection, a refused address).
    statusCode: integer("status_code"),
    error: text("error"),
    latencyMs: integer("latency_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);

/**
 * SQLite only, one row: how far the relay (db/queries/webhook-relay.ts) has turned audit events into
 * webhook events, as the rowid of the last audit event it read. PostgreSQL writes its outbox in the
 * changes' own transactions and leaves this table empty (docs/decisions/0018).
 */
export const webhookRelay = sqliteTable("webhook_relay", {
  id: integer("id").primaryKey(),
  auditPosition: integer("audit_position").notNull(),
  updatedAt: epochMs("updated_at").notNull(),
});

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
