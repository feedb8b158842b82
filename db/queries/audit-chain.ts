import { hash } from "node:crypto";
import canonicalize from "canonicalize";
import type { Db } from "../client";
import { prepared } from "../prepared";
import type { AuditEvent } from "../schema";

/**
 * Each tenant's audit events as a hash chain (docs/decisions/0020). An event's hash is the SHA-256
 * of the canonical JSON (RFC 8785) of its stored content, its place in the chain and the hash of
 * the event before it; the first event follows GENESIS_HASH. The README's offline check of an
 * export computes exactly this: change it and every chain written so far stops verifying.
 */

/** The hash the first event of a chain follows. */
export const GENESIS_HASH = "0".repeat(64);

export type ChainedFields = Pick<
  AuditEvent,
  "id" | "tenantId" | "actorType" | "actorId" | "actorName" | "action" | "targetType" | "targetId" | "outcome" | "requestId" | "details" | "createdAt"
>;

/** What an event's hash covers: the canonical JSON of its content, its place and the previous hash (audit exports carry it). */
export function chainContent(prevHash: string, seq: number, event: ChainedFields): string {
  return canonicalize({
    prevHash,
    seq,
    id: event.id,
    tenantId: event.tenantId,
    actorType: event.actorType,
    actorId: event.actorId,
    actorName: event.actorName,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    outcome: event.outcome,
    requestId: event.requestId,
    details: event.details,
    createdAt: event.createdAt,
  })!;
}

/** The hash of an event at `seq` after `prevHash` (the one-shot hash: a leaver job hashes 100,000 events in a row). */
export const chainHash = (prevHash: string, seq: number, event: ChainedFields) => hash("sha256", chainContent(prevHash, seq, event), "hex");

// Reserves `n` places at the end of the tenant's chain and returns the head as it was, the row
// locked until the transaction ends (PostgreSQL re-reads a head another transaction just moved;
// SQLite has one writer): appends to one chain take turns, and the caller's hashes link up.
const RESERVE = `insert into audit_chain_heads (tenant_id, seq, hash, updated_at) values (?, ?, ?, ?)
  on conflict (tenant_id) do update set seq = audit_chain_heads.seq + excluded.seq, updated_at = excluded.updated_at
  returning seq, hash`;
const MOVE_HEAD = "update audit_chain_heads set hash = ? where tenant_id = ?";

export type ChainPlace = { chainSeq: number; prevHash: string; hash: string };

/**
 * Reserves places for `events` at the end of the tenant's chain and moves its head past them, in
 * the caller's transaction (which then writes the events with their places, in order).
 */
export async function linkAtHead(db: Db, tenantId: string, events: readonly ChainedFields[], now: number): Promise<ChainPlace[]> {
  const head = (await prepared<{ seq: number; hash: string }>(db, RESERVE).get(tenantId, events.length, GENESIS_HASH, now))!;
  let seq = Number(head.seq) - events.length;
  let prevHash = head.hash;
  const places = events.map((event) => {
    seq += 1;
    const place = { chainSeq: seq, prevHash, hash: chainHash(prevHash, seq, event) };
    prevHash = place.hash;
    return place;
  });
  await prepared(db, MOVE_HEAD).run(prevHash, tenantId);
  return places;
}

/**
 * Places events at the end of their tenants' chains, in the caller's transaction, which must then
 * insert them with their places, in order. Tenants are locked in id order (no deadlock between
 * two multi-tenant appends).
 */
export async function appendToChains<T extends ChainedFields>(db: Db, events: readonly T[], now = Date.now()): Promise<(T & ChainPlace)[]> {
  const byTenant = new Map<string, number[]>();
  events.forEach((event, i) => {
    const indexes = byTenant.get(event.tenantId);
    if (indexes) indexes.push(i);
    else byTenant.set(event.tenantId, [i]);
  });
  const chained: (T & ChainPlace)[] = new Array(events.length);
  for (const tenantId of [...byTenant.keys()].sort()) {
    const indexes = byTenant.get(tenantId)!;
    const places = await linkAtHead(
      db,
      tenantId,
      indexes.map((i) => events[i]!),
      now,
    );
    indexes.forEach((i, k) => (chained[i] = { ...events[i]!, ...places[k]! }));
  }
  return chained;
}
