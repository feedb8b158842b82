import type { Db } from "../client";
import { inList, inTransaction, prepared, preparedForGrowingTables, withoutSorting } from "../prepared";
import { recordAuditEvent } from "./audit";

// The dispatcher's side of deliveries (lib/webhooks/dispatcher.ts): which are due, their leases,
// and what each attempt did. Several dispatchers (instances) share the table: a delivery is sent by
// the holder of its lease only, and a lease ends by itself when its holder dies.

/** A delivery leased to be sent, with what sending it needs. */
export type ClaimedDelivery = {
  id: number;
  endpointId: string;
  url: string;
  secret: string;
  /** The event's webhook-id. */
  eventId: string;
  payload: string;
  /** Attempts made before this one. */
  attempts: number;
  eventCreatedAt: number;
};

export type ClaimOptions = { holder: string; now: number; leaseMs: number; limit: number };

// Due: pending, its time come, not leased (or the lease over), its endpoint enabled, and no earlier
// event of the same user still pending for the endpoint (its user's events go out one at a time,
// in order; a delivery that gave up lets the next one go). Deliveries of different users go in parallel.
// The check asks for the user's first pending delivery in event order, which only
// webhook_deliveries_order_idx gives without a sort: PostgreSQL, its sorts off for the claim and
// planning on the statistics of an empty queue, took the log's index (endpoint, status, …) for
// "any earlier one" and read every pending delivery of the endpoint for each (16,016 fetched for 8).
const DUE_FROM = `webhook_deliveries d join webhook_endpoints p on p.id = d.endpoint_id`;
const DUE_WHERE = `d.status = 'pending' and d.next_attempt_at <= @now and (d.lease_until is null or d.lease_until <= @now) and p.enabled = true
    and (d.user_id is null or d.event_sequence = (select b.event_sequence from webhook_deliveries b
      where b.endpoint_id = d.endpoint_id and b.user_id = d.user_id and b.status = 'pending' order by b.event_sequence limit 1))
  order by d.next_attempt_at limit @limit`;

const CLAIMED_COLUMNS = `d.id, d.endpoint_id as "endpointId", p.url, p.secret, e.id as "eventId", e.payload, d.attempts, e.created_at as "eventCreatedAt"`;

const CLAIM_SQL = {
  // SQLite: an immediate transaction holds the write lock from the read to the lease.
  sqlite: `select ${CLAIMED_COLUMNS} from ${DUE_FROM} join webhook_events e on e.sequence = d.event_sequence where ${DUE_WHERE}`,
  // PostgreSQL: rows another instance is claiming are skipped, not waited for; once it commits,
  // their lease keeps them out of everyone else's claim.
  postgres: `with due as (select d.id from ${DUE_FROM} where ${DUE_WHERE} for update of d skip locked)
    update webhook_deliveries d set lease_until = @until, leased_by = @holder
    from due, webhook_events e, webhook_endpoints p
    where d.id = due.id and e.sequence = d.event_sequence and p.id = d.endpoint_id
    returning ${CLAIMED_COLUMNS}`,
};

/** Leases up to `limit` due deliveries to `holder` until now + leaseMs, oldest due first. */
export function claimDueDeliveries(db: Db, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const params = { now: options.now, limit: options.limit, until: options.now + options.leaseMs, holder: options.holder };
  // The claim walks webhook_deliveries_due_idx in due order and stops at its limit. Planned on the
  // statistics of an empty queue (after a vacuum, a new install or the retention's prune, until
  // autovacuum analyzes the table again), PostgreSQL sorted every pending delivery instead, with
  // the order check for each: 105 ms a claim during a 100,000-row job (bench:webhooks).
  if (db.dialect === "postgres") return withoutSorting(db, () => preparedForGrowingTables<ClaimedDelivery>(db, CLAIM_SQL.postgres).all(params));
  return inTransaction(db, "immediate", async () => {
    const claimed = await prepared<ClaimedDelivery>(db, CLAIM_SQL.sqlite).all({ now: params.now, limit: params.limit });
    if (claimed.length === 0) return claimed;
    const ids = inList(claimed.map((delivery) => delivery.id));
    await prepared(db, `update webhook_deliveries set lease_until = ?, leased_by = ? where id in ${ids.sql}`).run(params.until, params.holder, ...ids.values);
    return claimed;
  });
}

/** What one attempt did, and what becomes of its delivery. */
export type AttemptRecord = {
  deliveryId: number;
  endpointId: string;
  /** 1 for the first attempt. */
  attempt: number;
  attemptedAt: number;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  /** delivered: a 2xx; retry: again at nextAttemptAt; failed: no attempt left. */
  outcome: "delivered" | "retry" | "failed";
  nextAttemptAt: number | null;
};

// Only the lease's holder moves the delivery on: were its lease over and the delivery claimed
// again, the newer holder's attempt decides (the receiver got both: at least once).
const UPDATE_DELIVERY = `update webhook_deliveries set status = ?, attempts = ?, next_attempt_at = coalesce(?, next_attempt_at),
  lease_until = null, leased_by = null, last_status_code = ?, last_error = ?, last_latency_ms = ?, delivered_at = ?, updated_at = ?
  where id = ? and leased_by = ?`;
// Only for deliveries that still exist: an endpoint deleted while its batch was being sent took its
// deliveries with it, and their attempts have nothing left to belong to.
const INSERT_ATTEMPT = `insert into webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, latency_ms)
  select ?, ?, ?, ?, ?, ? where exists (select 1 from webhook_deliveries where id = ?)
  on conflict do nothing`;

const RECORD_SQL = {
  attempts: `insert into webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, latency_ms)
    select r.id, r.attempt, r.at, r.status_code, r.error, r.latency_ms from jsonb_to_recordset(?::jsonb)
      as r(id bigint, attempt bigint, at bigint, status_code bigint, error text, latency_ms bigint, status text, next_at bigint, delivered_at bigint)
    join webhook_deliveries d on d.id = r.id
    on conflict do nothing`,
  deliveries: `update webhook_deliveries d set status = r.status, attempts = r.attempt, next_attempt_at = coalesce(r.next_at, d.next_attempt_at),
      lease_until = null, leased_by = null, last_status_code = r.status_code, last_error = r.error, last_latency_ms = r.latency_ms,
      delivered_at = r.delivered_at, updated_at = @now
    from jsonb_to_recordset(@rows::jsonb)
      as r(id bigint, attempt bigint, at bigint, status_code bigint, error text, latency_ms bigint, status text, next_at bigint, delivered_at bigint)
    where d.id = r.id and d.leased_by = @holder`,
};

/** An endpoint's failures start its clock; a delivered attempt stops it (the latest attempt counts). */
const SET_FAILING_SINCE = `update webhook_endpoints set failing_since = ? where id = ? and coalesce(failing_since, -1) <> coalesce(?, -1)`;
const START_FAILING = `update webhook_endpoints set failing_since = ? where id = ? and failing_since is null`;

/**
 * Records attempts (one transaction): the attempt log, each delivery's new state and its lease
 * released, and the endpoints' failure clocks. Endpoints failing since `disableFailingBefore` or
 * earlier are then disabled (see disableFailingEndpoint); their ids are returned.
 */
export function recordAttempts(db: Db, holder: string, records: readonly AttemptRecord[], now: number, disableFailingBefore: number): Promise<string[]> {
  return inTransaction(db, "immediate", async () => {
    if (db.dialect === "sqlite") {
      for (const r of records) {
        await prepared(db, INSERT_ATTEMPT).run(r.deliveryId, r.attempt, r.attemptedAt, r.statusCode, r.error, r.latencyMs, r.deliveryId);
        const deliveredAt = r.outcome === "delivered" ? r.attemptedAt : null;
        const status = r.outcome === "retry" ? "pending" : r.outcome;
        await prepared(db, UPDATE_DELIVERY).run(status, r.attempt, r.nextAttemptAt, r.statusCode, r.error, r.latencyMs, deliveredAt, now, r.deliveryId, holder);
      }
    } else if (records.length > 0) {
      const rows = JSON.stringify(
        records.map((r) => ({
          id: r.deliveryId,
          attempt: r.attempt,
          at: r.attemptedAt,
          status_code: r.statusCode,
          error: r.error,
          latency_ms: r.latencyMs,
          status: r.outcome === "retry" ? "pending" : r.outcome,
          next_at: r.nextAttemptAt,
          delivered_at: r.outcome === "delivered" ? r.attemptedAt : null,
        })),
      );
      await preparedForGrowingTables(db, RECORD_SQL.attempts).run(rows);
      await preparedForGrowingTables(db, RECORD_SQL.deliveries).run({ rows, now, holder });
    }
    const failing: string[] = [];
    for (const [endpointId, clock] of failureClocks(records)) {
      if (clock.delivered) await prepared(db, SET_FAILING_SINCE).run(clock.failingSince, endpointId, clock.failingSince);
      else await prepared(db, START_FAILING).run(clock.failingSince, endpointId);
      if (clock.failingSince !== null) failing.push(endpointId);
    }
    const disabled: string[] = [];
    for (const endpointId of failing) if (await disableFailingEndpoint(db, endpointId, disableFailingBefore, now)) disabled.push(endpointId);
    return disabled;
  });
}

/** Per endpoint: whether one of its attempts was delivered, and its first failure after the last delivered one. */
function failureClocks(records: readonly AttemptRecord[]): Map<string, { delivered: boolean; failingSince: number | null }> {
  const clocks = new Map<string, { delivered: boolean; failingSince: number | null }>();
  for (const r of [...records].sort((a, b) => a.attemptedAt - b.attemptedAt)) {
    const clock = clocks.get(r.endpointId) ?? { delivered: false, failingSince: null };
    if (r.outcome === "delivered") clocks.set(r.endpointId, { delivered: true, failingSince: null });
    else clocks.set(r.endpointId, { delivered: clock.delivered, failingSince: clock.failingSince ?? r.attemptedAt });
  }
  return clocks;
}

export const ENDPOINT_DISABLED_REASON = "every delivery failed for 3 days";

const DISABLE_ENDPOINT = `update webhook_endpoints set enabled = false, disabled_at = ?, disabled_reason = ?, updated_at = ?
  where id = ? and enabled = true and failing_since is not null and failing_since <= ?
  returning tenant_id as "tenantId", url, failing_since as "failingSince"`;
const GIVE_UP_PENDING = `update webhook_deliveries set status = 'failed', last_error = ?, lease_until = null, leased_by = null, updated_at = ?
  where endpoint_id = ? and status = 'pending'`;

/**
 * Disables an endpoint that has failed since `failingBefore` or earlier, in the caller's transaction:
 * its pending deliveries become failed (redelivery brings them back) and a `webhook.disabled` audit
 * event is written with the system as actor. False when it was not failing that long (or is disabled).
 */
export async function disableFailingEndpoint(db: Db, endpointId: string, failingBefore: number, now: number): Promise<boolean> {
  const endpoint = await prepared<{ tenantId: string; url: string; failingSince: number }>(db, DISABLE_ENDPOINT).get(
    now,
    ENDPOINT_DISABLED_REASON,
    now,
    endpointId,
    failingBefore,
  );
  if (!endpoint) return false;
  const { changes } = await preparedForGrowingTables(db, GIVE_UP_PENDING).run(`endpoint disabled: ${ENDPOINT_DISABLED_REASON}`, now, endpointId);
  await recordAuditEvent(db, {
    tenantId: endpoint.tenantId,
    actorType: "system",
    actorName: "webhook dispatcher",
    action: "webhook.disabled",
    targetType: "webhook_endpoint",
    targetId: endpointId,
    outcome: "disabled",
    details: { url: endpoint.url, reason: ENDPOINT_DISABLED_REASON, failingSince: new Date(endpoint.failingSince).toISOString(), pendingFailed: changes },
    createdAt: now,
  });
  return true;
}

/** Ends `holder`'s leases on deliveries it did not send (a dispatcher stopping): they are due again at once for any instance. */
export async function releaseLeases(db: Db, holder: string, deliveryIds: readonly number[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  const list = inList(deliveryIds);
  await preparedForGrowingTables(db, `update webhook_deliveries set lease_until = null, leased_by = null where leased_by = ? and id in ${list.sql}`).run(
    holder,
    ...list.values,
  );
}
