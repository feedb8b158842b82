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

export type ChainWalk = {
  events: number;
  headSeq: number;
  checkpointsMatched: number;
  firstBreak: ChainBreak | null;
  /** With `allBreaks`: every break found, the first included, at most MAX_REPORTED_BREAKS. */
  breaks?: ChainBreak[];
};

/** How many breaks a walk with `allBreaks` reports before it stops: enough to see where a log was worked on. */
export const MAX_REPORTED_BREAKS = 100;

/** A position the chain must still have: a stored checkpoint, or one kept elsewhere (`exported`: from the server's log). */
export type ExpectedPosition = { seq: number; hash: string; exported?: boolean };

const PAGE = `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? and chain_seq > ? order by chain_seq limit ?`;
const PAGE_UNTIL = `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? and chain_seq > ? and chain_seq <= ? order by chain_seq limit ?`;
const PREV_HASH_AT = 'select prev_hash as "prevHash" from audit_events where tenant_id = ? and chain_seq = ?';
const HEAD = "select seq, hash from audit_chain_heads where tenant_id = ?";
const UNCHAINED = `select id, count(*) over () as n from audit_events where tenant_id = ? and chain_seq is null order by created_at, id limit 1`;
const CHECKPOINTS = `select tenant_id as "tenantId", seq, hash, key_id as "keyId", signature, created_at as "createdAt"
  from audit_checkpoints where tenant_id = ? order by seq`;
// Every tenant with a trace of a chain, not only those with a tenants row: deleting that row must not hide a chain.
const CHAIN_TENANTS = (where: (column: string) => string) => `select ids.id as id, t.name as name from (
    select id from tenants${where("id")} union select tenant_id from audit_chain_heads${where("tenant_id")}
    union select tenant_id from audit_events${where("tenant_id")} union select tenant_id from audit_checkpoints${where("tenant_id")}
  ) ids left join tenants t on t.id = ids.id order by t.created_at is null, t.created_at, ids.id`;
const ALL_CHAIN_TENANTS = CHAIN_TENANTS(() => "");
const ONE_CHAIN_TENANT = CHAIN_TENANTS((column) => ` where ${column} = ?`);

/** The tenants (all, or the one named) that have a tenants row, a chain head, events or checkpoints; name null without a row. */
export async function auditChainTenants(db: Db, tenantId?: string): Promise<{ id: string; name: string | null }[]> {
  if (tenantId === undefined) return prepared<{ id: string; name: string | null }>(db, ALL_CHAIN_TENANTS).all();
  return prepared<{ id: string; name: string | null }>(db, ONE_CHAIN_TENANT).all(tenantId, tenantId, tenantId, tenantId);
}

/** The tenant's signed checkpoints, oldest first. */
export async function auditCheckpointsOf(db: Db, tenantId: string): Promise<AuditCheckpoint[]> {
  return prepared<AuditCheckpoint>(db, CHECKPOINTS).all(tenantId);
}

export type WalkOptions = {
  /** Start at this checkpoint (which must still match) rather than at the chain's first event. */
  from?: { seq: number; hash: string };
  /** End at this head (read earlier) rather than at the stored head; events after it and outside the chain are not looked at. */
  until?: { seq: number; hash: string };
  pageSize?: number;
  /**
   * Go on past a break, to report each (`audit verify`): after an edited event the walk follows the
   * hashes as stored, after a gap the event where the chain resumes. Otherwise it stops at the first.
   */
  allBreaks?: boolean;
};

const expectedLabel = (position: ExpectedPosition) => (position.exported ? `exported checkpoint #${position.seq}` : `checkpoint #${position.seq}`);

/**
 * Walks the tenant's chain in order, recomputing every hash, and returns the first break: an event
 * whose hash does not match its content and the event before it (edited), a gap in the positions
 * (deleted), a head beyond the last event (the newest deleted), an event outside the chain, or an
 * expected position (a checkpoint) whose hash is not the chain's there or which lies beyond its end.
 */
export async function walkAuditChain(db: Db, tenantId: string, expected: readonly ExpectedPosition[], options: WalkOptions = {}): Promise<ChainWalk> {
  const pageSize = options.pageSize ?? 2_000;
  const expectedAt = new Map<number, ExpectedPosition[]>();
  for (const position of options.from ? [...expected, options.from] : expected) {
    const at = Number(position.seq);
    expectedAt.set(at, [...(expectedAt.get(at) ?? []), position]);
  }
  const head = options.until ?? (await prepared<{ seq: number; hash: string }>(db, HEAD).get(tenantId));
  const headSeq = head ? Number(head.seq) : 0;
  let seq = 0;
  let prevHash = GENESIS_HASH;
  let checkpointsMatched = 0;
  const breaks: ChainBreak[] = [];
  const result = (): ChainWalk => ({
    events: seq,
    headSeq,
    checkpointsMatched,
    firstBreak: breaks[0] ?? null,
    ...(options.allBreaks ? { breaks } : {}),
  });
  // Records a break; true when the walk ends there (the first, unless every one is asked for, up to the bound).
  const found = (chainBreak: ChainBreak): boolean => {
    breaks.push(chainBreak);
    return !options.allBreaks || breaks.length >= MAX_REPORTED_BREAKS;
  };
  const stop = (chainBreak: ChainBreak): ChainWalk => {
    breaks.push(chainBreak);
    return result();
  };
  if (options.from) {
    const at = Number(options.from.seq);
    const start = await prepared<{ prevHash: string | null }>(db, PREV_HASH_AT).get(tenantId, at);
    if (!start) return stop({ kind: "checkpoint", seq: at, eventId: null, message: `checkpoint #${at} not matched: there is no event #${at}` });
    seq = at - 1;
    prevHash = start.prevHash ?? "";
  }
  for (;;) {
    const rows = options.until
      ? await prepared<AuditEventRow>(db, PAGE_UNTIL).all(tenantId, seq, headSeq, pageSize)
      : await prepared<AuditEventRow>(db, PAGE).all(tenantId, seq, pageSize);
    for (const row of rows) {
      const event = auditEventFromRow(row);
      const at = Number(event.chainSeq);
      if (at !== seq + 1) {
        const gap = at === seq + 2 ? `#${seq + 1} is` : `#${seq + 1} to #${at - 1} are`;
        const missing: ChainBreak = {
          kind: "missing",
          seq: seq + 1,
          eventId: event.id,
          message: `event ${gap} missing (deleted): the chain goes on at #${at}, event ${event.id}`,
        };
        if (found(missing)) return result();
        // The missing events' hashes are gone: the walk resumes from what this one says came before it.
        prevHash = event.prevHash ?? "";
      }
      const hash = chainHash(prevHash, at, event);
      if (event.prevHash !== prevHash || event.hash !== hash) {
        const what = event.prevHash !== prevHash ? "does not follow the event before it (#" + seq + "): one of the two was changed" : "was changed";
        if (found({ kind: "changed", seq: at, eventId: event.id, message: `event ${event.id} (#${at}, ${event.action}) ${what}` })) return result();
      }
      // Past an edited event, the events after it are checked against its hash as stored.
      const reached = event.hash ?? hash;
      for (const position of expectedAt.get(at) ?? []) {
        if (position.hash !== hash) {
          const rewritten: ChainBreak = {
            kind: "checkpoint",
            seq: at,
            eventId: event.id,
            message: `${expectedLabel(position)} not matched: the chain up to #${at} is not the one signed there: it was rewritten`,
          };
          if (found(rewritten)) return result();
        } else checkpointsMatched += 1;
      }
      seq = at;
      prevHash = reached;
    }
    if (rows.length < pageSize) break;
  }
  if (headSeq !== seq || (head && head.hash !== prevHash)) {
    const truncated: ChainBreak = {
      kind: "truncated",
      seq: seq + 1,
      eventId: null,
      message: `the chain ends at #${seq} but its head records #${headSeq}: the newest events were deleted or changed`,
    };
    if (found(truncated)) return result();
  }
  const beyond = [...expectedAt.values()].flat().find((position) => Number(position.seq) > seq);
  if (beyond) {
    const cut: ChainBreak = {
      kind: "truncated",
      seq: Number(beyond.seq),
      eventId: null,
      message: `${expectedLabel(beyond)} not matched: the chain ends at #${seq}, before it (its newest events were deleted)`,
    };
    if (found(cut)) return result();
  }
  const unchained = options.until ? undefined : await prepared<{ id: string; n: number }>(db, UNCHAINED).get(tenantId);
  if (unchained) {
    return stop({
      kind: "unchained",
      seq: null,
      eventId: unchained.id,
      message: `${unchained.n} event(s) outside the chain, the oldest ${unchained.id}: written around it`,
    });
  }
  return result();
}

const TENANTS_WITH_UNCHAINED = 'select distinct tenant_id as "tenantId" from audit_events where chain_seq is null';
const OLDEST_UNCHAINED = `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? and chain_seq is null order by created_at, id limit ?`;
const CHAIN_EXISTING = "update audit_events set chain_seq = ?, prev_hash = ?, hash = ? where id = ? and chain_seq is null";
const ANY_HEAD = "select tenant_id from audit_chain_heads limit 1";

/** Whether any chain has begun in this database (a version with the chain has appended to it or caught up). */
export async function auditChainsBegun(db: Db): Promise<boolean> {
  return (await prepared(db, ANY_HEAD).get()) !== undefined;
}

/**
 * Appends every event outside the chain to the end of its tenant's chain, oldest first, a batch
 * per transaction; returns how many it chained per tenant. Anything outside the chain is taken in,
 * forged rows too: only the one-time catch-up of events written before the chain existed calls it
 * (lib/setup/database.ts), before the database is served.
 */
export async function chainUnchainedEvents(db: Db, batchSize = 1_000, now = Date.now()): Promise<{ tenantId: string; chained: number }[]> {
  const counts: { tenantId: string; chained: number }[] = [];
  for (const { tenantId } of await prepared<{ tenantId: string }>(db, TENANTS_WITH_UNCHAINED).all()) {
    let chained = 0;
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
    if (chained > 0) counts.push({ tenantId, chained });
  }
  return counts;
}
