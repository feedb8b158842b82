import { z } from "zod";
import { findTokenOfAdmin, listTokensOfAdmin, type TokenSummary } from "@/db/queries/token-list";
import { createToken, revokeToken } from "@/db/queries/tokens";
import { jitsudo } from "@/lib/api/dialects/jitsudo";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { uuid } from "@/lib/api/schemas";
import { SCOPES, scopesForRole } from "@/lib/auth/scopes";
import { issueToken } from "@/lib/auth/tokens";
import { parseDuration } from "@/lib/cli/args";
import type { TokenDto } from "@/lib/query/tokens";

export const TOKEN_EXPIRY_CHOICES = ["7d", "30d", "90d", "1y"] as const;
export type TokenExpiry = (typeof TOKEN_EXPIRY_CHOICES)[number];

const createTokenRequest = z.object({
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(100, "name is at most 100 characters"),
  scopes: z
    .array(z.enum(SCOPES, { error: `each scope must be one of ${SCOPES.join(", ")}` }), { error: "scopes must be an array of scope names" })
    .min(1, "choose at least one scope")
    .transform((scopes) => [...new Set(scopes)]),
  expiresIn: z.enum(TOKEN_EXPIRY_CHOICES, { error: `expiresIn must be one of ${TOKEN_EXPIRY_CHOICES.join(", ")} or null` }).nullable().default(null),
});

const tokenIdParams = z.object({ id: uuid("token id") });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The console's wire form of a token: ISO times, no secret, no hash. */
export function toTokenDto(token: TokenSummary): TokenDto {
  return {
    id: token.id,
    name: token.name,
    scopes: token.scopes,
    createdAt: iso(token.createdAt)!,
    expiresAt: iso(token.expiresAt),
    lastUsedAt: iso(token.lastUsedAt),
    revokedAt: iso(token.revokedAt),
    status: token.status,
  };
}

// Every role manages its own tokens (policy action manageOwnTokens); a token never carries more
// than the role of its admin allows, so a helpdesk token cannot deactivate anyone.
export const listOwnTokens = apiRoute({ dialect: jitsudo, auth: "session", action: "manageOwnTokens" }, ({ db, principal }) => ({
  status: 200,
  data: { data: listTokensOfAdmin(db, principal).map(toTokenDto) },
}));

export const createOwnToken = apiRoute({ dialect: jitsudo, auth: "session", action: "manageOwnTokens", body: createTokenRequest }, ({ db, principal, body }) => {
  const allowed: readonly string[] = scopesForRole(principal.role);
  const refused = body.scopes.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) {
    throw new ApiError("invalid_input", `Your role (${principal.role}) cannot grant ${refused.join(", ")}`, {
      details: { scopes: `not allowed for ${principal.role}: ${refused.join(", ")}` },
    });
  }
  const now = Date.now();
  const issued = issueToken();
  const created = createToken(
    db,
    {
      id: issued.id,
      tenantId: principal.tenantId,
      adminId: principal.adminId,
      name: body.name,
      secretHash: issued.secretHash,
      scopes: body.scopes,
      expiresAt: body.expiresIn === null ? null : now + parseDuration(body.expiresIn),
      actor: { type: "admin", id: principal.actor.id, name: principal.actor.name },
    },
    now,
  );
  const summary: TokenSummary = { ...created, status: "active" };
  return { status: 201, data: { data: { ...toTokenDto(summary), token: issued.token } } };
});

export const revokeOwnToken = apiRoute({ dialect: jitsudo, auth: "session", action: "manageOwnTokens", params: tokenIdParams }, ({ db, principal, params }) => {
  // Another admin's token answers exactly like an unknown one.
  if (!findTokenOfAdmin(db, principal, params.id)) throw new ApiError("not_found", `No token ${params.id}`);
  revokeToken(db, params.id, { type: "admin", id: principal.actor.id, name: principal.actor.name });
  return { status: 200, data: { data: toTokenDto(findTokenOfAdmin(db, principal, params.id)!) } };
});
