import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { prepared } from "../prepared";
import type { AdminRole } from "../schema";

// Sign-ins between their password and their second factor (docs/decisions/0022): a row per
// sign-in, found by the hash of its cookie, in the database so that any instance can finish it.

export type PendingSignIn = {
  id: string;
  tenantId: string;
  adminId: string;
  role: AdminRole;
  userName: string;
  userEmail: string;
  attempts: number;
  expiresAt: number;
  clientAddress: string | null;
  userAgent: string | null;
  tenantRequiresMfa: boolean;
  factorCount: number;
};

const INSERT_PENDING = `insert into pending_sign_ins (id, tenant_id, admin_id, token_hash, expires_at, attempts, consumed_at, client_address, user_agent,
    created_at, updated_at)
  values (?, ?, ?, ?, ?, 0, null, ?, ?, ?, ?)`;

// Ended rows are of no use to anyone: each new pending sign-in clears a bounded batch of them.
const SWEEP_ENDED = `delete from pending_sign_ins where id in (select id from pending_sign_ins where expires_at < ? limit 100)`;

export async function createPendingSignIn(
  db: Db,
  input: { tenantId: string; adminId: string; tokenHash: string; expiresAt: number; clientAddress: string | null; userAgent: string | null },
  now = Date.now(),
): Promise<string> {
  await prepared(db, SWEEP_ENDED).run(now - 60 * 60 * 1000);
  const id = randomUUID();
  await prepared(db, INSERT_PENDING).run(id, input.tenantId, input.adminId, input.tokenHash, input.expiresAt, input.clientAddress, input.userAgent, now, now);
  return id;
}

const LIVE_PENDING = `select p.id, p.tenant_id as "tenantId", p.admin_id as "adminId", a.role, u.name as "userName", u.email as "userEmail",
    p.attempts, p.expires_at as "expiresAt", p.client_address as "clientAddress", p.user_agent as "userAgent",
    t.require_mfa as "tenantRequiresMfa", (select count(*) from mfa_factors f where f.admin_id = p.admin_id) as "factorCount"
  from pending_sign_ins p
  join admins a on a.id = p.admin_id
  join users u on u.id = a.user_id
  join tenants t on t.id = p.tenant_id
  where p.token_hash = ? and p.consumed_at is null and p.expires_at > ? and p.attempts < ? and u.active = true`;

/** A pending sign-in that may still go on: not used, not expired, attempts left, its admin's user active. */
export async function findLivePendingSignIn(db: Db, tokenHash: string, maxAttempts: number, now = Date.now()): Promise<PendingSignIn | undefined> {
  const row = await prepared<Omit<PendingSignIn, "tenantRequiresMfa"> & { tenantRequiresMfa: number | boolean }>(db, LIVE_PENDING).get(
    tokenHash,
    now,
    maxAttempts,
  );
  return row && { ...row, tenantRequiresMfa: Boolean(row.tenantRequiresMfa) };
}

const COUNT_ATTEMPT = `update pending_sign_ins set attempts = attempts + 1, updated_at = ? where id = ? and attempts < ? and consumed_at is null`;

/** Counts a wrong second factor; false when the pending sign-in had no attempt left (concurrent tries count too). */
export async function countPendingAttempt(db: Db, id: string, maxAttempts: number, now = Date.now()): Promise<boolean> {
  return (await prepared(db, COUNT_ATTEMPT).run(now, id, maxAttempts)).changes === 1;
}

const CONSUME = `update pending_sign_ins set consumed_at = ?, updated_at = ? where id = ? and consumed_at is null and expires_at > ? and attempts < ?`;

/**
 * Uses the pending sign-in up; false when another request used it first (it opens one session,
 * once), or it expired or ran out of attempts meanwhile.
 */
export async function consumePendingSignIn(db: Db, id: string, maxAttempts: number, now = Date.now()): Promise<boolean> {
  return (await prepared(db, CONSUME).run(now, now, id, now, maxAttempts)).changes === 1;
}
