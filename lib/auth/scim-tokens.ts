import type { Db } from "@/db/client";
import { findScimTokenPrincipal, recordScimTokenUse } from "@/db/queries/scim-tokens";
import { SCIM_SCOPE } from "@/db/constants";
import { parseToken, secretMatches } from "./tokens";

/** An identity provider pushing users with its provisioning token: what the policies and the SCIM handlers need. */
export type ProvisionerIdentity = {
  tokenId: string;
  tenantId: string;
  role: "provisioner";
  scopes: readonly string[];
  provider: { id: string; name: string };
};

export type ScimTokenCheck = { ok: true; identity: ProvisionerIdentity } | { ok: false; reason: "malformed" | "unknown" | "revoked" | "not-scim" };

// Last use is written at most once a minute per token, so that a provider's burst of GETs does
// not queue behind SQLite's single writer; the write is skipped on the read's own answer.
const USE_RECORDED_EVERY_MS = 60_000;

/**
 * Judges a presented provisioning token on every request, so a revocation takes effect at once.
 * The secret is compared in constant time, and hashed even for unknown ids. A token whose provider
 * is no longer of type SCIM is refused.
 */
export async function checkScimToken(db: Db, presented: string, now = Date.now()): Promise<ScimTokenCheck> {
  const parsed = parseToken(presented, "scim");
  if (!parsed) return { ok: false, reason: "malformed" };
  const row = await findScimTokenPrincipal(db, parsed.id);
  const matches = secretMatches(parsed.secret, row?.secretHash ?? "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  if (!row || !matches) return { ok: false, reason: "unknown" };
  if (row.revokedAt !== null) return { ok: false, reason: "revoked" };
  if (row.providerType !== "scim") return { ok: false, reason: "not-scim" };
  if (row.lastUsedAt === null || now - row.lastUsedAt >= USE_RECORDED_EVERY_MS) await recordScimTokenUse(db, row.id, now);
  return {
    ok: true,
    identity: { tokenId: row.id, tenantId: row.tenantId, role: "provisioner", scopes: [SCIM_SCOPE], provider: { id: row.providerId, name: row.providerName } },
  };
}
