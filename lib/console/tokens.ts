import type { z } from "zod";
import type { Db } from "@/db/client";
import type { TokenSummary } from "@/db/queries/token-list";
import { ActiveTokenLimitReached, createToken } from "@/db/queries/tokens";
import { scopesBeyondRole } from "@/lib/auth/scopes";
import { issueToken } from "@/lib/auth/tokens";
import { parseDuration } from "@/lib/cli/args";
import { ApiError } from "@/lib/api/errors";
import type { createTokenRequest, token } from "@/lib/contracts/tokens";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The console's wire form of a token: ISO times, no secret, no hash. */
export function toTokenDto(summary: TokenSummary): z.input<typeof token> {
  return {
    id: summary.id,
    name: summary.name,
    scopes: summary.scopes,
    createdAt: iso(summary.createdAt)!,
    expiresAt: iso(summary.expiresAt),
    lastUsedAt: iso(summary.lastUsedAt),
    revokedAt: iso(summary.revokedAt),
    status: summary.status,
  };
}

type Owner = { tenantId: string; adminId: string; role: "admin" | "helpdesk" | "auditor"; actor: { id: string; name: string } };

/** Issues a token to the signed-in admin; never with more than the admin's role allows (a helpdesk token cannot deactivate anyone). */
export async function createOwnToken(db: Db, owner: Owner, input: z.output<typeof createTokenRequest>, now = Date.now()) {
  const refused = scopesBeyondRole(owner.role, input.scopes);
  if (refused.length > 0) {
    throw new ApiError("invalid_input", `Your role (${owner.role}) cannot grant ${refused.join(", ")}`, {
      details: { scopes: `not allowed for ${owner.role}: ${refused.join(", ")}` },
    });
  }
  const issued = issueToken();
  const created = await createToken(
    db,
    {
      id: issued.id,
      tenantId: owner.tenantId,
      adminId: owner.adminId,
      name: input.name,
      secretHash: issued.secretHash,
      scopes: input.scopes,
      expiresAt: input.expiresIn === null ? null : now + parseDuration(input.expiresIn),
      actor: { type: "admin", id: owner.actor.id, name: owner.actor.name },
    },
    now,
  ).catch((error: unknown) => {
    if (!(error instanceof ActiveTokenLimitReached)) throw error;
    throw new ApiError("conflict", `You already have ${error.limit} active tokens, the most one admin may hold: revoke one you no longer use first`);
  });
  return { ...toTokenDto({ ...created, status: "active" }), token: issued.token };
}
