import type { Db } from "@/db/client";
import { findTokenPrincipal, recordTokenUse } from "@/db/queries/auth";
import { parseToken, secretMatches } from "./tokens";
import { logger } from "@/lib/observability/log";

export type TokenPrincipal = {
  tokenId: string;
  tenantId: string;
  role: "admin" | "helpdesk" | "auditor";
  scopes: string[];
  adminId: string;
  userId: string;
  userName: string;
};

export type TokenCheck = { ok: true; principal: TokenPrincipal } | { ok: false; reason: "malformed" | "unknown" | "revoked" | "expired" | "inactive-owner" };

/**
 * Judges a presented PAT against the database on every request, so revocation, expiry and the
 * owner's deactivation take effect at once. The secret is compared in constant time.
 */
export async function checkToken(db: Db, presented: string, now = Date.now()): Promise<TokenCheck> {
  const parsed = parseToken(presented);
  if (!parsed) return { ok: false, reason: "malformed" };
  const row = await findTokenPrincipal(db, parsed.id);
  // Hash and compare even for unknown ids, so timing does not tell which ids exist.
  const matches = secretMatches(parsed.secret, row?.secretHash ?? "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  if (!row || !matches) return { ok: false, reason: "unknown" };
  if (row.revokedAt !== null) return { ok: false, reason: "revoked" };
  if (row.expiresAt !== null && row.expiresAt <= now) return { ok: false, reason: "expired" };
  if (!row.userActive) return { ok: false, reason: "inactive-owner" };
  noteTokenUse(db, row.id, now);
  return {
    ok: true,
    principal: {
      tokenId: row.id,
      tenantId: row.tenantId,
      role: row.role,
      scopes: row.scopes,
      adminId: row.adminId,
      userId: row.userId,
      userName: row.userName,
    },
  };
}

// Last use is kept in memory and written at most every few seconds: a write per API call would
// serialise every read behind SQLite's single writer. Each process flushes its own; the write
// only moves a token's time forward, so processes flushing in any order leave the latest use.
const FLUSH_EVERY_MS = 5_000;
const globalForUsage = globalThis as unknown as { rosterTokenUsage?: { pending: Map<string, number>; db: Db; timer: NodeJS.Timeout | null } };

function noteTokenUse(db: Db, tokenId: string, at: number): void {
  const usage = (globalForUsage.rosterTokenUsage ??= { pending: new Map(), db, timer: null });
  usage.db = db;
  usage.pending.set(tokenId, at);
  if (!usage.timer) {
    usage.timer = setTimeout(() => void flushTokenUse(), FLUSH_EVERY_MS);
    usage.timer.unref();
  }
}

/** Writes the buffered last-use times; never rejects (a failed write is retried on the next flush). */
export async function flushTokenUse(): Promise<void> {
  const usage = globalForUsage.rosterTokenUsage;
  if (!usage) return;
  // A flush at shutdown, before the timer: the timer must not flush again on a closed database.
  if (usage.timer) clearTimeout(usage.timer);
  usage.timer = null;
  const pending = new Map(usage.pending);
  usage.pending.clear();
  try {
    await recordTokenUse(usage.db, pending);
  } catch (error) {
    // Losing a last-use time is better than failing requests; try again on the next flush.
    for (const [id, at] of pending) if (!usage.pending.has(id)) usage.pending.set(id, at);
    logger().error({ err: error }, "could not record token use");
  }
}
