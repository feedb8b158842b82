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

const INSERT_TOKEN = `insert into personal_access_tokens (id, tenant_id, admin_id, name, secret_hash, scopes, expires_at, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning ${TOKEN_COLUMNS}`;
const REVOKE_TOKEN = `update personal_access_tokens set revoked_at = ?, updated_at = ? where id = ? and revoked_at is null returning ${TOKEN_COLUMNS}`;
const TOKEN_BY_ID = `select ${TOKEN_COLUMNS} from personal_access_tokens where id = ?`;

export function createToken(db: Db, input: CreateTokenInput, now = Date.now()): Promise<PersonalAccessToken> {
  return inTransaction(db, "immediate", async () => {
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
