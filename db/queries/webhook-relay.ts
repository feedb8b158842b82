import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import { AUDIT_EVENT_COLUMNS, auditEventFromRow, type AuditEventRow } from "./audit";
import { SUBSCRIBER_COLUMNS, WEBHOOK_AUDIT_ACTIONS, writeWebhookEvents, type Subscriber } from "./webhook-outbox";

// SQLite's webhook outbox is written after the change commits, from its audit event: a leaver
// job's batch writes 500 audit events, and an outbox row, a delivery and their indexes for each
// made the job half again as slow (docs/decisions/0018). The audit event is the durable record:
// SQLite numbers its rows in the order their transactions commit (one writer at a time, the rowid
// of an append-only table), so a position in that order loses nothing and repeats nothing, and
// the relay moves it in the same transaction as the events it writes. PostgreSQL, whose
// transactions commit out of order, writes its outbox in the change's transaction instead.

const RELAY_POSITION = `select audit_position as "position" from webhook_relay where id = 1`;
const LAST_AUDIT_EVENT = `select coalesce(max(rowid), 0) as "last" from audit_events`;
const MOVE_RELAY = `insert into webhook_relay (id, audit_position, updated_at) values (1, ?, ?)
  on conflict (id) do update set audit_position = excluded.audit_position, updated_at = excluded.updated_at`;
// Only the actions that are webhook events, of tenants with an enabled endpoint: the rest is skipped by SQLite itself.
const NEW_AUDIT_EVENTS = `select rowid as "position", ${AUDIT_EVENT_COLUMNS} from audit_events
  where rowid > ? and rowid <= ? and action in (${WEBHOOK_AUDIT_ACTIONS.map((action) => `'${action}'`).join(", ")})
    and tenant_id in (select tenant_id from webhook_endpoints where enabled = true)
  order by rowid limit ?`;
const ENABLED_ENDPOINTS = `select ${SUBSCRIBER_COLUMNS} where enabled = true`;

/**
 * Turns up to `limit` audit events committed since the last call into webhook events and their
 * deliveries (writeWebhookEvents), in one immediate transaction with the relay's new position. How
 * many audit events it read; fewer than `limit` means it has caught up. Nothing to do on PostgreSQL.
 */
export async function relayAuditEvents(db: Db, limit = 1_000, now = Date.now()): Promise<number> {
  if (db.dialect !== "sqlite") return 0;
  // Read first without the write lock: most rounds find nothing new.
  const stored = await prepared<{ position: number }>(db, RELAY_POSITION).get();
  if (stored && stored.position >= (await prepared<{ last: number }>(db, LAST_AUDIT_EVENT).get())!.last) return 0;
  return inTransaction(db, "immediate", async () => {
    const { last } = (await prepared<{ last: number }>(db, LAST_AUDIT_EVENT).get())!;
    const stored = await prepared<{ position: number }>(db, RELAY_POSITION).get();
    // Without its row (the migration seeds it), the relay starts at the audit events of now.
    if (!stored) await prepared(db, MOVE_RELAY).run(last, now);
    const position = stored?.position ?? last;
    if (position >= last) return 0;
    const rows = await prepared<AuditEventRow & { position: number }>(db, NEW_AUDIT_EVENTS).all(position, last, limit);
    if (rows.length > 0) {
      const subscribers = await prepared<Subscriber>(db, ENABLED_ENDPOINTS).all();
      await writeWebhookEvents(db, rows.map(auditEventFromRow), subscribers);
    }
    await prepared(db, MOVE_RELAY).run(rows.length === limit ? rows.at(-1)!.position : last, now);
    return rows.length;
  });
}
