import type { Db } from "../client";
import { inList, inTransaction, preparedForGrowingTables, withoutSorting } from "../prepared";
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from "../schema/webhook-constants";
import { recordAuditEvent } from "./audit";
import { getWebhookEndpoint, type WebhookActor } from "./webhook-endpoints";

// An endpoint's delivery log (newest first, each delivery with its attempts) and manual
// redelivery. Reads and changes go through the endpoint, so another tenant's is not found.

export type WebhookAttemptView = { attempt: number; attemptedAt: number; statusCode: number | null; error: string | null; latencyMs: number };

export type WebhookDeliveryView = {
  id: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When a pending delivery is (next) due. */
  nextAttemptAt: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  deliveredAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** The event's webhook-id, the same on every attempt. */
  eventId: string;
  eventType: string;
  userId: string | null;
  /** The body exactly as it is signed and sent. */
  payload: string;
  attemptLog: WebhookAttemptView[];
};

/** Where a page of the log ends: the next page starts after this delivery. */
export type DeliveryCursor = { createdAt: number; id: number };

export type DeliveryLogQuery = { tenantId: string; endpointId: string; status?: WebhookDeliveryStatus; after?: DeliveryCursor; limit: number };
export type DeliveryLogPage = { deliveries: WebhookDeliveryView[]; next: DeliveryCursor | null };

const DELIVERY_COLUMNS = `d.id, d.status, d.attempts, d.next_attempt_at as "nextAttemptAt", d.last_status_code as "lastStatusCode",
  d.last_error as "lastError", d.last_latency_ms as "lastLatencyMs", d.delivered_at as "deliveredAt", d.created_at as "createdAt",
  d.updated_at as "updatedAt", e.id as "eventId", e.type as "eventType", e.user_id as "userId", e.payload`;

// Keyset paging on (created_at, id), newest first, along webhook_deliveries_endpoint_status_created_idx
// (endpoint, status, created_at, id): a page of one status is one range of it from where the last
// page ended, however deep (no OFFSET) and however common or rare the status; the whole log takes
// a page from each status's range and merges them. Only the page's rows are joined to their events.
const OF_STATUS = `select id, status, attempts, next_attempt_at, last_status_code, last_error, last_latency_ms, delivered_at, created_at,
  updated_at, event_sequence from webhook_deliveries
  where endpoint_id = @endpoint and status = @status and (created_at, id) < (@beforeAt, @beforeId)
  order by created_at desc, id desc limit @limit`;
const NEWEST_FIRST = "order by d.created_at desc, d.id desc";
const withEvents = (deliveries: string) => `select ${DELIVERY_COLUMNS} from (${deliveries}) d
  join webhook_events e on e.sequence = d.event_sequence ${NEWEST_FIRST}`;
const LOG_PAGE_OF_STATUS = withEvents(OF_STATUS);
// Each status's branch as OF_STATUS, with the status written in (PostgreSQL plans each on its own).
const LOG_PAGE = `${withEvents(
  WEBHOOK_DELIVERY_STATUSES.map((status, i) => `select * from (${OF_STATUS.replace("@status", `'${status}'`)}) s${i}`).join(" union all "),
)} limit @limit`;

const ATTEMPT_COLUMNS = `delivery_id as "deliveryId", attempt, attempted_at as "attemptedAt", status_code as "statusCode", error, latency_ms as "latencyMs"`;

type DeliveryRow = Omit<WebhookDeliveryView, "attemptLog">;

async function withAttempts(db: Db, rows: DeliveryRow[]): Promise<WebhookDeliveryView[]> {
  if (rows.length === 0) return [];
  const list = inList(rows.map((row) => row.id));
  const attempts = await preparedForGrowingTables<WebhookAttemptView & { deliveryId: number }>(
    db,
    `select ${ATTEMPT_COLUMNS} from webhook_attempts where delivery_id in ${list.sql} order by delivery_id, attempt`,
  ).all(...list.values);
  const byDelivery = new Map<number, WebhookAttemptView[]>();
  for (const { deliveryId, ...attempt } of attempts) byDelivery.set(deliveryId, [...(byDelivery.get(deliveryId) ?? []), attempt]);
  return rows.map((row) => ({ ...row, attemptLog: byDelivery.get(row.id) ?? [] }));
}

/** A page's statement (its values one named object); exported so that tests can check its plan. */
export function deliveryLogPageQuery(query: DeliveryLogQuery): { sql: string; args: [Record<string, string | number>] } {
  const params = {
    endpoint: query.endpointId,
    beforeAt: query.after?.createdAt ?? Number.MAX_SAFE_INTEGER,
    beforeId: query.after?.id ?? Number.MAX_SAFE_INTEGER,
    // One more than asked: whether another page follows, without counting.
    limit: query.limit + 1,
  };
  return query.status ? { sql: LOG_PAGE_OF_STATUS, args: [{ ...params, status: query.status }] } : { sql: LOG_PAGE, args: [params] };
}

/** One page of an endpoint's deliveries, newest first (of one status, if given); undefined for another tenant's endpoint. */
export async function listWebhookDeliveries(db: Db, query: DeliveryLogQuery): Promise<DeliveryLogPage | undefined> {
  if (!(await getWebhookEndpoint(db, query.tenantId, query.endpointId))) return undefined;
  // Sorting off on PostgreSQL: planned on the statistics of an empty queue, the page fetched and
  // sorted every delivery of the endpoint instead of walking the index (88 ms at 50,000).
  const statement = deliveryLogPageQuery(query);
  const rows = await withoutSorting(db, () => preparedForGrowingTables<DeliveryRow>(db, statement.sql).all(...statement.args));
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { deliveries: await withAttempts(db, page), next: rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

export type RedeliveryContext = { tenantId: string; endpointId: string; actor: WebhookActor; requestId?: string | null };

function auditRedelivery(db: Db, context: RedeliveryContext, details: Record<string, unknown>, now: number) {
  return recordAuditEvent(db, {
    tenantId: context.tenantId,
    actorType: context.actor.type,
    actorId: context.actor.id ?? null,
    actorName: context.actor.name,
    action: "webhook.redelivered",
    targetType: "webhook_endpoint",
    targetId: context.endpointId,
    outcome: "success",
    requestId: context.requestId ?? null,
    details,
    createdAt: now,
  });
}

// Pending again and due now. A lease held by a dispatcher sending it right now is left alone: that
// attempt's result decides, and a failure is retried (at least once, as always). The attempt count
// goes on (the log numbers attempts), so a delivery that had all its attempts gets one more.
const REDELIVER_ONE = `update webhook_deliveries set status = 'pending', next_attempt_at = ?, updated_at = ? where id = ? and endpoint_id = ?`;
const DELIVERY_BY_ID = `select ${DELIVERY_COLUMNS} from webhook_deliveries d join webhook_events e on e.sequence = d.event_sequence
  where d.id = ? and d.endpoint_id = ?`;

/**
 * Sends one delivery again, whatever its status, as soon as a dispatcher is free (a disabled
 * endpoint's waits until it is enabled; a user's earlier pending events still go first).
 * Audited as `webhook.redelivered`. Undefined when the tenant has no such endpoint or delivery.
 */
export function redeliverWebhookDelivery(
  db: Db,
  context: RedeliveryContext & { deliveryId: number },
  now = Date.now(),
): Promise<WebhookDeliveryView | undefined> {
  return inTransaction(db, "immediate", async () => {
    if (!(await getWebhookEndpoint(db, context.tenantId, context.endpointId))) return undefined;
    const before = await preparedForGrowingTables<DeliveryRow>(db, DELIVERY_BY_ID).get(context.deliveryId, context.endpointId);
    if (!before) return undefined;
    await preparedForGrowingTables(db, REDELIVER_ONE).run(now, now, context.deliveryId, context.endpointId);
    await auditRedelivery(
      db,
      context,
      { deliveries: 1, deliveryId: before.id, eventId: before.eventId, eventType: before.eventType, status: before.status },
      now,
    );
    const [delivery] = await withAttempts(db, [(await preparedForGrowingTables<DeliveryRow>(db, DELIVERY_BY_ID).get(context.deliveryId, context.endpointId))!]);
    return delivery;
  });
}

const REDELIVER_FAILED = `update webhook_deliveries set status = 'pending', next_attempt_at = ?, updated_at = ?
  where endpoint_id = ? and created_at >= ? and status = 'failed'`;

/**
 * Sends again every failed delivery of an endpoint whose event happened at `since` or later (0: all),
 * each as redeliverWebhookDelivery does. Audited as one `webhook.redelivered` with the count;
 * nothing is written when none failed. Undefined for another tenant's endpoint.
 */
export function redeliverFailedWebhookDeliveries(
  db: Db,
  context: RedeliveryContext & { since: number },
  now = Date.now(),
): Promise<{ redelivered: number } | undefined> {
  return inTransaction(db, "immediate", async () => {
    if (!(await getWebhookEndpoint(db, context.tenantId, context.endpointId))) return undefined;
    const { changes } = await preparedForGrowingTables(db, REDELIVER_FAILED).run(now, now, context.endpointId, context.since);
    if (changes > 0) await auditRedelivery(db, context, { deliveries: changes, failedSince: new Date(context.since).toISOString() }, now);
    return { redelivered: changes };
  });
}
