import type { Db } from "../client";
import { prepared } from "../prepared";
import type { AuditCheckpoint } from "../schema";
import { AUDIT_EVENT_COLUMNS, auditEventFromRow, type AuditEventRow } from "./audit";
import { chainHash, GENESIS_HASH, linkAtHead } from "./audit-chain";

// Reading a tenant's chain back, to check it (`roster audit verify`), and chaining the events
// written before the chain existed. The hashes themselves are ./audit-chain.ts's.

/** The first place where a chain is not what its events say: what is wrong, and which event. */
export type ChainBreak = {
  kind: "changed" | "missing" | "truncated" | "unchained" | "checkpoint";
  /** The chain position at fault (null: the event is outside the chain). */
  seq: number | null;
  eventId: string | null;
  message: string;
};

export type ChainWalk = { events: number; headSeq: number; checkpointsMatched: number; firstBreak: ChainBreak | null };

const PAGE = `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? and chain_seq > ? order by chain_seq limit ?`;
const HEAD = "select seq, hash from audit_chain_heads where tenant_id = ?";
const UNCHAINED = `select id, count(*) over () as n from audit_events where tenant_id = ? and chain_seq is null order by created_at, id limit 1`;
const CHECKPOINTS = `select tenant_id as "tenantId", seq, hash, key_id as "keyId", signature, created_at as "createdAt"
  from audit_checkpoints where tenant_id = ? order by seq`;

/** The tenant's signed checkpoints, oldest first. */
export async function auditCheckpointsOf(db: Db, tenantId: string): Promise<AuditCheckpoint[]> {
  return prepared<AuditCheckpoint>(db, CHECKPOINTS).all(tenantId);
}

/**
 * Walks the tenant's chain in order, recomputing every hash, and returns the first break: an event
 * whose hash does not match its content and the event before it (edited), a gap in the positions
 * (deleted), a head beyond the last event (the newest deleted), an event outside the chain, or a
 * checkpoint whose position's hash is not the one it holds (the chain rewritten since it was signed).
 */
export async function walkAuditChain(db: Db, tenantId: string, checkpoints: readonly AuditCheckpoint[], pageSize = 2_000): Promise<ChainWalk> {
  const signedAt = new Map(checkpoints.map((checkpoint) => [Number(checkpoint.seq), checkpoint.hash]));
  const head = await prepared<{ seq: number; hash: string }>(db, HEAD).get(tenantId);
  const headSeq = head ? Number(head.seq) : 0;
  let seq = 0;
  let prevHash = GENESIS_HASH;
  let checkpointsMatched = 0;
  const stop = (firstBreak: ChainBreak): ChainWalk => ({ events: seq, headSeq, checkpointsMatched, firstBreak });
  for (;;) {
    const rows = await prepared<AuditEventRow>(db, PAGE).all(tenantId, seq, pageSize);
    for (const row of rows) {
      const event = auditEventFromRow(row);
      const at = Number(event.chainSeq);
      if (at !== seq + 1) {
        const gap = at === seq + 2 ? `#${seq + 1} is` : `#${seq + 1} to #${at - 1} are`;
        return stop({
          kind: "missing",
          seq: seq + 1,
          eventId: event.id,
          message: `event ${gap} missing (deleted): the chain goes on at #${at}, event ${event.id}`,
        });
      }
      const expected = chainHash(prevHash, at, event);
      if (event.prevHash !== prevHash || event.hash !== expected) {
        const what = event.prevHash !== prevHash ? "does not follow the event before it (#" + seq + "): one of the two was changed" : "was changed";
        return stop({ kind: "changed", seq: at, eventId: event.id, message: `event ${event.id} (#${at}, ${event.action}) ${what}` });
      }
      const signed = signedAt.get(at);
      if (signed !== undefined) {
        if (signed !== expected) {
          return stop({
            kind: "checkpoint",
            seq: at,
            eventId: event.id,
            message: `the chain up to #${at} is not the one signed at that checkpoint: it was rewritten`,
          });
        }
        checkpointsMatched += 1;
      }
      seq = at;
      prevHash = expected;
    }
    if (rows.length < pageSize) break;
  }
  if (headSeq !== seq || (head && head.hash !== prevHash)) {
    return stop({
      kind: "truncated",
      seq: seq + 1,
      eventId: null,
      message: `the chain ends at #${seq} but its head records #${headSeq}: the newest events were deleted or changed`,
    });
  }
  const beyond = checkpoints.find((checkpoint) => Number(checkpoint.seq) > seq);
  if (beyond)
    return stop({
      kind: "truncated",
      seq: Number(beyond.seq),
      eventId: null,
      message: `a checkpoint was signed at #${beyond.seq}, beyond the chain's end (#${seq})`,
    });
  const unchained = await prepared<{ id: string; n: number }>(db, UNCHAINED).get(tenantId);
  if (unchained) {
    return stop({
      kind: "unchained",
      seq: null,
      eventId: unchained.id,
      message: `${unchained.n} event(s) outside the chain, the oldest ${unchained.id}: written around it`,
    });
  }
  return { events: seq, headSeq, checkpointsMatched, firstBreak: null };
}

const TENANTS_WITH_UNCHAINED = 'select distinct tenant_id as "tenantId" from audit_events where chain_seq is null';
const OLDEST_UNCHAINED = `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? and chain_seq is null order by created_at, id limit ?`;
const CHAIN_EXISTING = "update audit_events set chain_seq = ?, prev_hash = ?, hash = ? where id = ? and chain_seq is null";
/**
 * Appends the events written before the chain (or by an older version during an upgrade) to the
 * end of their tenants' chains, oldest first, a batch per transaction; returns how many it chained.
 * Run when the database is prepared, before it is served.
 */
export async function chainUnchainedEvents(db: Db, batchSize = 1_000, now = Date.now()): Promise<number> {
  let chained = 0;
  for (const { tenantId } of await prepared<{ tenantId: string }>(db, TENANTS_WITH_UNCHAINED).all()) {
    for (;;) {
      const done = await db.transaction(async () => {
        const rows = (await prepared<AuditEventRow>(db, OLDEST_UNCHAINED).all(tenantId, batchSize)).map(auditEventFromRow);
        if (rows.length === 0) return 0;
        const places = await linkAtHead(db, tenantId, rows, now);
        for (const [i, row] of rows.entries()) await prepared(db, CHAIN_EXISTING).run(places[i]!.chainSeq, places[i]!.prevHash, places[i]!.hash, row.id);
        return rows.length;
      }, "immediate");
      chained += done;
      if (done < batchSize) break;
    }
  }
  return chained;
}
