import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { PersonalAccessToken } from "../schema";
import { recordAuditEvent } from "./audit";

export type CreateTokenInput = {
  id: string;
  tenantId: string;
  adminId: string;
  name: string;
  secretHash: string;
  scopes: string[];
  expiresAt: number | null;
  actor: { type: "admin" | "system"; id?: string; name: string };
};

const TOKEN_COLUMNS = `id, tenant_id as "tenantId", admin_id as "adminId", name, secret_hash as "secretHash", scopes,
  expires_at as "expiresAt", revoked_at as "revokedAt", last_used_at as "lastUsedAt", created_at as "createdAt", updated_at as "updatedAt"`;

/** Scopes are JSON, read back as text on both databases. */
type TokenRow = Omit<PersonalAccessToken, "scopes"> & { scopes: string };
const tokenFromRow = (row: TokenRow): PersonalAccessToken => ({ ...row, scopes: JSON.parse(row.scopes) as string[] });

/**
 * The most personal access tokens one admin may hold active (neither revoked nor expired): each
 * token has a rate-limit budget of its own, so unlimited tokens would be an unlimited budget.
 */
export const MAX_ACTIVE_TOKENS_PER_ADMIN = 50;

/** Thrown by createToken when the admin already holds MAX_ACTIVE_TOKENS_PER_ADMIN active tokens; nothing is written. */
export class ActiveTokenLimitReached extends Error {
  constructor(readonly limit = MAX_ACTIVE_TOKENS_PER_ADMIN) {
    super(`an admin may hold at most ${limit} active tokens`);
  }
}

// "no key update": creations for one admin take turns, while sessions and tokens referring to the admin (key share) need not wait.
const LOCK_ADMIN = `select id from admins where id = ? for no key update`;
const ACTIVE_TOKENS_OF_ADMIN = `select count(*) as count from personal_access_tokens
  where admin_id = ? and revoked_at is null and (expires_at is null or expires_at > ?)`;
const INSERT_TOKEN = `insert into personal_access_tokens (id, tenant_id, admin_id, name, secret_hash, scopes, expires_at, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning ${TOKEN_COLUMNS}`;
const REVOKE_TOKEN = `update personal_access_tokens set revoked_at = ?, updated_at = ? where id = ? and revoked_at is null returning ${TOKEN_COLUMNS}`;
const TOKEN_BY_ID = `select ${TOKEN_COLUMNS} from personal_access_tokens where id = ?`;

export function createToken(db: Db, input: CreateTokenInput, now = Date.now()): Promise<PersonalAccessToken> {
  return inTransaction(db, "immediate", async () => {
    // Two creations at once must not both find the last place: SQLite's immediate transactions take
    // turns already; on PostgreSQL the admin's row is locked until this one commits.
    if (db.dialect === "postgres") await prepared(db, LOCK_ADMIN).get(input.adminId);
    const active = await prepared<{ count: number }>(db, ACTIVE_TOKENS_OF_ADMIN).get(input.adminId, now);
    if (active!.count >= MAX_ACTIVE_TOKENS_PER_ADMIN) throw new ActiveTokenLimitReached();
    const row = await prepared<TokenRow>(db, INSERT_TOKEN).get(
      input.id,
      input.tenantId,
      input.adminId,
      input.name,
      input.secretHash,
      JSON.stringify(input.scopes),
      input.expiresAt,
      now,
      now,
    );
    const token = tokenFromRow(row!);
    await recordAuditEvent(db, {
      tenantId: input.tenantId,
      actorType: input.actor.type,
      actorId: input.actor.id ?? null,
      actorName: input.actor.name,
      action: "token.created",
      targetType: "token",
      targetId: token.id,
      outcome: "success",
      details: { name: input.name, scopes: input.scopes, expiresAt: input.expiresAt },
      createdAt: now,
    });
    return token;
  });
}

export type RevokeTokenResult = { status: "revoked" | "already-revoked"; token: PersonalAccessToken } | { status: "not-found" };

/**
 * Revokes by the update itself (only a token not yet revoked matches), so that of two processes
 * revoking one token at once exactly one revokes it and records the event.
 */
export function revokeToken(db: Db, id: string, actor: { type: "admin" | "system"; id?: string; name: string }, now = Date.now()): Promise<RevokeTokenResult> {
  return inTransaction(db, "immediate", async (): Promise<RevokeTokenResult> => {
    const revoked = await prepared<TokenRow>(db, REVOKE_TOKEN).get(now, now, id);
    if (!revoked) {
      const existing = await prepared<TokenRow>(db, TOKEN_BY_ID).get(id);
      return existing ? { status: "already-revoked", token: tokenFromRow(existing) } : { status: "not-found" };
    }
    const token = tokenFromRow(revoked);
    await recordAuditEvent(db, {
      tenantId: token.tenantId,
      actorType: actor.type,
      actorId: actor.id ?? null,
      actorName: actor.name,
      action: "token.revoked",
      targetType: "token",
      targetId: id,
      outcome: "success",
      details: { name: token.name },
      createdAt: now,
    });
    return { status: "revoked", token };
  });
}

const REVOKE_TOKENS_OF_ADMIN = "update personal_access_tokens set revoked_at = ?, updated_at = ? where admin_id = ? and revoked_at is null";

/** Revokes every token the admin still holds, inside the caller's transaction (which audits it); how many. */
export async function revokeTokensOfAdmin(db: Db, adminId: string, now: number): Promise<number> {
  return (await prepared(db, REVOKE_TOKENS_OF_ADMIN).run(now, now, adminId)).changes;
}
