import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { IdentityProvider, ScimToken } from "../schema";
import { recordAuditEvent } from "./audit";

// Provisioning tokens of SCIM identity providers (db/schema/provisioning.ts): made in the console
// and by the CLI, judged on every /scim/v2 request.

export type ScimTokenActor = { type: "admin" | "system"; id?: string; name: string };

export type ScimProviderResult = { provider: IdentityProvider; created: boolean } | { conflict: IdentityProvider };

const PROVIDER_COLUMNS = `id, tenant_id as "tenantId", name, type, created_at as "createdAt", updated_at as "updatedAt"`;
const PROVIDER_BY_NAME = `select ${PROVIDER_COLUMNS} from identity_providers where tenant_id = ? and name = ?`;
const INSERT_PROVIDER = `insert into identity_providers (id, tenant_id, name, type, created_at, updated_at) values (?, ?, ?, 'scim', ?, ?)
  on conflict (tenant_id, name) do nothing returning ${PROVIDER_COLUMNS}`;

/**
 * The tenant's SCIM identity provider called `name`, created when missing (two callers creating it
 * at once get the same one). A provider of that name and another type is a conflict: a token of
 * an OIDC provider must not provision users.
 */
export async function ensureScimProvider(db: Db, tenantId: string, name: string, now = Date.now()): Promise<ScimProviderResult> {
  const inserted = await prepared<IdentityProvider>(db, INSERT_PROVIDER).get(randomUUID(), tenantId, name, now, now);
  if (inserted) return { provider: inserted, created: true };
  const existing = (await prepared<IdentityProvider>(db, PROVIDER_BY_NAME).get(tenantId, name))!;
  return existing.type === "scim" ? { provider: existing, created: false } : { conflict: existing };
}

/** The tenant's SCIM identity providers, by name. */
export function listScimProviders(db: Db, tenantId: string): Promise<IdentityProvider[]> {
  return prepared<IdentityProvider>(db, `select ${PROVIDER_COLUMNS} from identity_providers where tenant_id = ? and type = 'scim' order by name`).all(tenantId);
}

// The list leaves the secret's hash out (secret = false): only judging a presented token reads it.
const columns = (t: string, secret = true) =>
  `${t}id, ${t}tenant_id as "tenantId", ${t}identity_provider_id as "identityProviderId", ${t}name, ${secret ? `${t}secret_hash as "secretHash", ` : ""}
  ${t}created_by as "createdBy", ${t}revoked_at as "revokedAt", ${t}last_used_at as "lastUsedAt", ${t}created_at as "createdAt", ${t}updated_at as "updatedAt"`;
const TOKEN_COLUMNS = columns("");

type TokenRow = Omit<ScimToken, "createdBy"> & { createdBy: string | null };
/** A token as its lists show it: with its provider's name, never its hash. */
export type ScimTokenView = Omit<ScimToken, "secretHash"> & { providerName: string };
type ViewRow = Omit<TokenRow, "secretHash"> & { providerName: string };

const tokenFromRow = (row: TokenRow): ScimToken => ({
  ...row,
  createdBy: row.createdBy === null ? null : (JSON.parse(row.createdBy) as ScimToken["createdBy"]),
});
const viewFromRow = (row: ViewRow): ScimTokenView => ({
  ...row,
  createdBy: row.createdBy === null ? null : (JSON.parse(row.createdBy) as ScimToken["createdBy"]),
});

export type CreateScimTokenInput = { id: string; tenantId: string; providerId: string; name: string; secretHash: string; actor: ScimTokenActor };

export function createScimToken(db: Db, input: CreateScimTokenInput, now = Date.now()): Promise<ScimToken> {
  return inTransaction(db, "immediate", async () => {
    const createdBy = input.actor.id ? JSON.stringify({ id: input.actor.id, name: input.actor.name }) : null;
    const row = await prepared<TokenRow>(
      db,
      `insert into scim_tokens (id, tenant_id, identity_provider_id, name, secret_hash, created_by, created_at, updated_at)
        values (?, ?, ?, ?, ?, ?, ?, ?) returning ${TOKEN_COLUMNS}`,
    ).get(input.id, input.tenantId, input.providerId, input.name, input.secretHash, createdBy, now, now);
    await recordAuditEvent(db, {
      tenantId: input.tenantId,
      actorType: input.actor.type,
      actorId: input.actor.id ?? null,
      actorName: input.actor.name,
      action: "scim_token.created",
      targetType: "scim_token",
      targetId: input.id,
      outcome: "success",
      details: { name: input.name, providerId: input.providerId },
      createdAt: now,
    });
    return tokenFromRow(row!);
  });
}

/** The tenant's provisioning tokens, newest first. */
export async function listScimTokens(db: Db, tenantId: string): Promise<ScimTokenView[]> {
  const rows = await prepared<ViewRow>(
    db,
    `select ${columns("t.", false)}, p.name as "providerName" from scim_tokens t join identity_providers p on p.id = t.identity_provider_id
      where t.tenant_id = ? order by t.created_at desc, t.id`,
  ).all(tenantId);
  return rows.map(viewFromRow);
}

export type RevokeScimTokenResult = { status: "revoked" | "already-revoked"; token: ScimToken } | { status: "not-found" };

/** Revokes by the update itself, so that of two revocations at once exactly one is audited; another tenant's token is "not-found". */
export function revokeScimToken(db: Db, tenantId: string, id: string, actor: ScimTokenActor, now = Date.now()): Promise<RevokeScimTokenResult> {
  return inTransaction(db, "immediate", async (): Promise<RevokeScimTokenResult> => {
    const revoked = await prepared<TokenRow>(
      db,
      `update scim_tokens set revoked_at = ?, updated_at = ? where id = ? and tenant_id = ? and revoked_at is null returning ${TOKEN_COLUMNS}`,
    ).get(now, now, id, tenantId);
    if (!revoked) {
      const existing = await prepared<TokenRow>(db, `select ${TOKEN_COLUMNS} from scim_tokens where id = ? and tenant_id = ?`).get(id, tenantId);
      return existing ? { status: "already-revoked", token: tokenFromRow(existing) } : { status: "not-found" };
    }
    await recordAuditEvent(db, {
      tenantId,
      actorType: actor.type,
      actorId: actor.id ?? null,
      actorName: actor.name,
      action: "scim_token.revoked",
      targetType: "scim_token",
      targetId: id,
      outcome: "success",
      details: { name: revoked.name },
      createdAt: now,
    });
    return { status: "revoked", token: tokenFromRow(revoked) };
  });
}

/** What judging a presented provisioning token needs, in one indexed read. */
export type ScimTokenPrincipalRow = {
  id: string;
  tenantId: string;
  secretHash: string;
  revokedAt: number | null;
  lastUsedAt: number | null;
  providerId: string;
  providerName: string;
  providerType: IdentityProvider["type"];
};

export function findScimTokenPrincipal(db: Db, id: string): Promise<ScimTokenPrincipalRow | undefined> {
  return prepared<ScimTokenPrincipalRow>(
    db,
    `select t.id, t.tenant_id as "tenantId", t.secret_hash as "secretHash", t.revoked_at as "revokedAt", t.last_used_at as "lastUsedAt",
       p.id as "providerId", p.name as "providerName", p.type as "providerType"
     from scim_tokens t join identity_providers p on p.id = t.identity_provider_id where t.id = ?`,
  ).get(id);
}

/** Moves a token's last use forward (never back, whichever process writes first). */
export async function recordScimTokenUse(db: Db, id: string, at: number): Promise<void> {
  await prepared(db, `update scim_tokens set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)`).run(at, id, at);
}
