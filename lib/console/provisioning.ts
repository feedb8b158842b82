import type { z } from "zod/mini";
import type { Db } from "@/db/client";
import {
  createScimToken,
  ensureScimProvider,
  listScimProviders,
  listScimTokens,
  revokeScimToken,
  type ScimTokenActor,
  type ScimTokenView,
} from "@/db/queries/scim-tokens";
import type { IdentityProvider } from "@/db/schema";
import { issueToken } from "@/lib/auth/tokens";
import type { createdProvisioningToken, provisioningOverview, provisioningToken, scimProvider } from "@/lib/contracts/provisioning";

// What the console's Provisioning page, its endpoints and the `scim token` CLI commands share.

// The wire forms as handlers answer them (the client reads them parsed: lib/query/provisioning.ts).
type TokenWire = z.input<typeof provisioningToken>;
type CreatedTokenWire = z.input<typeof createdProvisioningToken>;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** The wire form of a provisioning token: ISO times, no hash. */
function toProvisioningToken(view: ScimTokenView): TokenWire {
  return {
    id: view.id,
    name: view.name,
    providerId: view.identityProviderId,
    providerName: view.providerName,
    createdAt: iso(view.createdAt),
    createdBy: view.createdBy && { id: view.createdBy.id, name: view.createdBy.name },
    lastUsedAt: isoOrNull(view.lastUsedAt),
    revokedAt: isoOrNull(view.revokedAt),
    status: view.revokedAt === null ? "active" : "revoked",
  };
}

const toScimProvider = (provider: IdentityProvider): z.input<typeof scimProvider> => ({
  id: provider.id,
  name: provider.name,
  createdAt: iso(provider.createdAt),
});

/** The tenant's SCIM identity providers (by name) and their provisioning tokens (newest first). */
export async function readProvisioningOverview(db: Db, tenantId: string): Promise<z.input<typeof provisioningOverview>> {
  const [providers, tokens] = await Promise.all([listScimProviders(db, tenantId), listScimTokens(db, tenantId)]);
  return { providers: providers.map(toScimProvider), tokens: tokens.map(toProvisioningToken) };
}

/** Why a provider name cannot take a provisioning token; each caller adds what to do instead. */
export const notScimProvider = (provider: Pick<IdentityProvider, "name" | "type">) =>
  `"${provider.name}" is an identity provider of type ${provider.type}, not scim: its users must not be provisioned through SCIM`;

export type IssueProvisioningTokenInput = { tenantId: string; providerName: string; name: string; actor: ScimTokenActor };

export type IssueProvisioningTokenResult = { ok: true; token: CreatedTokenWire; providerCreated: boolean } | { ok: false; conflict: IdentityProvider };

/**
 * Issues a provisioning token for the tenant's SCIM identity provider of that name, creating the
 * provider when the tenant has none of that name. Only the secret's hash is stored; the secret is
 * in this answer only.
 */
export async function issueProvisioningToken(db: Db, input: IssueProvisioningTokenInput, now = Date.now()): Promise<IssueProvisioningTokenResult> {
  const ensured = await ensureScimProvider(db, input.tenantId, input.providerName, now);
  if ("conflict" in ensured) return { ok: false, conflict: ensured.conflict };
  const { provider, created: providerCreated } = ensured;
  const issued = issueToken("scim");
  const token = await createScimToken(
    db,
    { id: issued.id, tenantId: input.tenantId, providerId: provider.id, name: input.name, secretHash: issued.secretHash, actor: input.actor },
    now,
  );
  return { ok: true, token: { ...toProvisioningToken({ ...token, providerName: provider.name }), token: issued.token }, providerCreated };
}

export type RevokeProvisioningTokenResult = { status: "revoked" | "already-revoked"; token: TokenWire } | { status: "not-found" };

/** Revokes one of the tenant's provisioning tokens; another tenant's token is "not-found", like an unknown id. */
export async function revokeProvisioningToken(
  db: Db,
  tenantId: string,
  id: string,
  actor: ScimTokenActor,
  now = Date.now(),
): Promise<RevokeProvisioningTokenResult> {
  const result = await revokeScimToken(db, tenantId, id, actor, now);
  if (result.status === "not-found") return result;
  // The revocation answers the token as lists show it, with its provider's name.
  const view = (await listScimTokens(db, tenantId)).find((token) => token.id === id)!;
  return { status: result.status, token: toProvisioningToken(view) };
}
