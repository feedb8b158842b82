import type { Db } from "../client";
import { checkedOnly, inList, preparedForGrowingTables } from "../prepared";

// How long the webhook outbox and the delivery log keep what is over (docs/decisions/0018): a
// 100,000-row leaver job writes 100,000 events and as many deliveries per endpoint, so without
// this the tables grow by every leaver for ever. The dispatcher (lib/webhooks/retention.ts) calls
// these a batch at a time, each statement its own short transaction, so that SQLite's one write
// lock is never held for long.

// Finished (delivered or given up) and last due before the cutoff: the due index's ranges
// (status, next_attempt_at). A delivery's next_attempt_at is when its last attempt was due, so a
// failed one stays in the log, to be read and redelivered, for the retention after its last try.
// The conditions are checked again on the rows deleted: a delivery redelivered (pending again)
// between the batch's read and the delete stays (PostgreSQL re-reads an updated row). SQLite
// checks them only: as index terms it walked the due index over every finished delivery for each
// batch. PostgreSQL skips rows another instance's pruning (or a redelivery) holds, since two
// deletes of one batch taking its row locks in different orders would deadlock, and reads the
// batch in a materialised CTE: a LIMIT ... SKIP LOCKED subquery of IN may run again and give more rows.
const finished = (column: (name: string) => string = (name) => name) =>
  `${column("status")} in ('delivered', 'failed') and ${column("next_attempt_at")} < @before`;
const DELETE_FINISHED_DELIVERIES = {
  sqlite: `delete from webhook_deliveries where id in (select id from webhook_deliveries where ${finished()} limit @limit)
    and ${finished((name) => checkedOnly("sqlite", name))}`,
  postgres: `with batch as materialized (select id from webhook_deliveries where ${finished()} limit @limit for update skip locked)
    delete from webhook_deliveries d using batch where d.id = batch.id and ${finished((name) => `d.${name}`)}`,
};

/**
 * Deletes up to `limit` deliveries that ended (delivered or failed) and were last due before
 * `before`, with their attempts (the foreign key cascades). Pending deliveries are never deleted,
 * however old. Returns how many were deleted.
 */
export async function deleteFinishedDeliveries(db: Db, before: number, limit: number): Promise<number> {
  return (await preparedForGrowingTables(db, DELETE_FINISHED_DELIVERIES[db.dialect]).run({ before, limit })).changes;
}

// The outbox in sequence order (its key), each event with whether a delivery still holds it
// (webhook_deliveries_event_idx). Sequence order is creation order give or take a transaction.
const EVENTS_AFTER = `select e.sequence, e.created_at as "createdAt",
    case when exists (select 1 from webhook_deliveries d where d.event_sequence = e.sequence) then 1 else 0 end as "held"
  from webhook_events e where e.sequence > ? order by e.sequence limit ?`;
const NEWEST_EVENT = `select max(sequence) as "sequence" from webhook_events`;
// Checked again in the delete: a delivery written for an event since the read keeps it. PostgreSQL
// skips events another instance is deleting, as above.
const UNHELD = (alias: string) => `not exists (select 1 from webhook_deliveries d where d.event_sequence = ${alias}.sequence)`;
const DELETE_EVENTS: Record<Db["dialect"], (list: string) => string> = {
  sqlite: (list) => `delete from webhook_events where sequence in ${list} and ${UNHELD("webhook_events")}`,
  postgres: (list) => `with batch as materialized (select sequence from webhook_events where sequence in ${list} for update skip locked)
    delete from webhook_events e using batch where e.sequence = batch.sequence and ${UNHELD("e")}`,
};

export type OutboxWalk = { deleted: number; after: number | null };

/**
 * Deletes, among the next `limit` events after sequence `after` (null: from the first), those
 * created before `before` that no delivery holds any more. `after` of the answer is where the next
 * call carries on, or null once the walk reached events newer than `before` (or the end): events
 * come in creation order, so the ones still to keep start there. The newest event is always kept:
 * SQLite gives a new row one more than the largest key, and a sequence must never be handed out twice.
 */
export async function deleteUnheldEvents(db: Db, before: number, after: number | null, limit: number): Promise<OutboxWalk> {
  const events = await preparedForGrowingTables<{ sequence: number; createdAt: number; held: number }>(db, EVENTS_AFTER).all(after ?? -1, limit);
  const newest = (await preparedForGrowingTables<{ sequence: number | null }>(db, NEWEST_EVENT).get())?.sequence ?? null;
  const done = events.length < limit || events.some((event) => event.createdAt >= before);
  const unheld = events.filter((event) => event.createdAt < before && !Number(event.held) && event.sequence !== newest).map((event) => event.sequence);
  let deleted = 0;
  if (unheld.length > 0) {
    const list = inList(unheld);
    deleted = (await preparedForGrowingTables(db, DELETE_EVENTS[db.dialect](list.sql)).run(...list.values)).changes;
  }
  return { deleted, after: done ? null : events.at(-1)!.sequence };
}
