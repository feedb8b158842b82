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

const LIVE = "revoked_at is null and expires_at > ? and coalesce(last_seen_at, created_at) > ?";

const LIVE_OF_ADMIN = `select id, created_at as "createdAt", coalesce(last_seen_at, created_at) as "lastSeenAt", expires_at as "expiresAt",
    user_agent as "userAgent", client_address as "clientAddress"
  from sessions where tenant_id = ? and admin_id = ? and ${LIVE}
  order by coalesce(last_seen_at, created_at) desc, id`;

/** The admin's sessions that still open the console (not revoked, expired or idle), the last used first. */
export function liveSessionsOf(db: Db, owner: SessionOwner, idleMs: number, now = Date.now()): Promise<LiveSessionRow[]> {
  return prepared<LiveSessionRow>(db, LIVE_OF_ADMIN).all(owner.tenantId, owner.adminId, now, now - idleMs);
}

const REVOKE_ONE = `update sessions set revoked_at = ?, updated_at = ? where tenant_id = ? and admin_id = ? and id = ? and revoked_at is null`;
const REVOKE_OTHERS = `update sessions set revoked_at = ?, updated_at = ? where tenant_id = ? and admin_id = ? and id <> ? and revoked_at is null`;
const REVOKE_OF_USER = `update sessions set revoked_at = ?, updated_at = ?
  where tenant_id = ? and revoked_at is null and admin_id in (select id from admins where tenant_id = ? and user_id = ?)`;

/** Ends one of the admin's sessions; whether it was open (another admin's or an unknown id: false). */
export async function revokeSessionOf(db: Db, owner: SessionOwner, sessionId: string, now = Date.now()): Promise<boolean> {
  return (await prepared(db, REVOKE_ONE).run(now, now, owner.tenantId, owner.adminId, sessionId)).changes > 0;
}

/** Ends every session of the admin but `keep` (the one asking); how many. */
export async function revokeOtherSessionsOf(db: Db, owner: SessionOwner, keep: string, now = Date.now()): Promise<number> {
  return (await prepared(db, REVOKE_OTHERS).run(now, now, owner.tenantId, owner.adminId, keep)).changes;
}

/** Ends every console session of the user's admin accounts in the tenant; how many. */
export async function revokeSessionsOfUser(db: Db, tenantId: string, userId: string, now = Date.now()): Promise<number> {
  return (await prepared(db, REVOKE_OF_USER).run(now, now, tenantId, tenantId, userId)).changes;
}
