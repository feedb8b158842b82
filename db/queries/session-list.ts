import type { Db } from "../client";
import { prepared } from "../prepared";

// An admin's console sessions as "Your sessions" lists them, and ending them.

export type SessionOwner = { tenantId: string; adminId: string };

export type LiveSessionRow = {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  userAgent: string | null;
  clientAddress: string | null;
};

/** A session that still opens the console: not revoked, not expired (?: now), used since the idle cutoff (?: now − idle). */
export const LIVE = "revoked_at is null and expires_at > ? and coalesce(last_seen_at, created_at) > ?";

const LIVE_OF_ADMIN = `select id, created_at as "createdAt", coalesce(last_seen_at, created_at) as "lastSeenAt", expires_at as "expiresAt",
    user_agent as "userAgent", client_address as "clientAddress"
  from sessions where tenant_id = ? and admin_id = ? and ${LIVE}
  order by coalesce(last_seen_at, created_at) desc, id`;

/** The admin's sessions that still open the console (not revoked, expired or idle), the last used first. */
export function liveSessionsOf(db: Db, owner: SessionOwner, idleMs: number, now = Date.now()): Promise<LiveSessionRow[]> {
  return prepared<LiveSessionRow>(db, LIVE_OF_ADMIN).all(owner.tenantId, owner.adminId, now, now - idleMs);
}

// Only live sessions are ended and counted: an expired or idle one opens nothing already, and
// "ended 3 sessions" must mean the 3 the page showed as open.
const REVOKE_ONE = `update sessions set revoked_at = ?, updated_at = ? where tenant_id = ? and admin_id = ? and id = ? and ${LIVE}`;
const REVOKE_OTHERS = `update sessions set revoked_at = ?, updated_at = ? where tenant_id = ? and admin_id = ? and id <> ? and ${LIVE}`;
const REVOKE_OF_USER = `update sessions set revoked_at = ?, updated_at = ?
  where tenant_id = ? and ${LIVE} and admin_id in (select id from admins where tenant_id = ? and user_id = ?)`;

/** Ends one of the admin's live sessions; whether it was live (another admin's or an unknown id: false). */
export async function revokeSessionOf(db: Db, owner: SessionOwner, sessionId: string, idleMs: number, now = Date.now()): Promise<boolean> {
  return (await prepared(db, REVOKE_ONE).run(now, now, owner.tenantId, owner.adminId, sessionId, now, now - idleMs)).changes > 0;
}

/** Ends every live session of the admin but `keep` (the one asking); how many. */
export async function revokeOtherSessionsOf(db: Db, owner: SessionOwner, keep: string, idleMs: number, now = Date.now()): Promise<number> {
  return (await prepared(db, REVOKE_OTHERS).run(now, now, owner.tenantId, owner.adminId, keep, now, now - idleMs)).changes;
}

/** Ends every live console session of the user's admin accounts in the tenant; how many. */
export async function revokeSessionsOfUser(db: Db, tenantId: string, userId: string, idleMs: number, now = Date.now()): Promise<number> {
  return (await prepared(db, REVOKE_OF_USER).run(now, now, tenantId, now, now - idleMs, tenantId, userId)).changes;
}
