import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { personalAccessTokens, type PersonalAccessToken } from "../schema";

export type TokenStatus = "active" | "expired" | "revoked";

/** What the console shows of a token: never the secret hash. Times are epoch milliseconds. */
export type TokenSummary = {
  id: string;
  name: string;
  scopes: string[];
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  status: TokenStatus;
};

export type OwnTokenRef = { tenantId: string; adminId: string };

const summaryColumns = {
  id: personalAccessTokens.id,
  name: personalAccessTokens.name,
  scopes: personalAccessTokens.scopes,
  createdAt: personalAccessTokens.createdAt,
  expiresAt: personalAccessTokens.expiresAt,
  lastUsedAt: personalAccessTokens.lastUsedAt,
  revokedAt: personalAccessTokens.revokedAt,
};

/** Revocation wins over expiry: a revoked token stays "revoked" after its expiry passes. */
export function tokenStatus(token: Pick<PersonalAccessToken, "expiresAt" | "revokedAt">, now = Date.now()): TokenStatus {
  if (token.revokedAt !== null) return "revoked";
  if (token.expiresAt !== null && token.expiresAt <= now) return "expired";
  return "active";
}

type SummaryRow = Omit<TokenSummary, "status">;
const withStatus = (row: SummaryRow, now: number): TokenSummary => ({ ...row, status: tokenStatus(row, now) });

/** An admin's own tokens, newest first. */
export function listTokensOfAdmin(db: Db, owner: OwnTokenRef, now = Date.now()): TokenSummary[] {
  return db
    .select(summaryColumns)
    .from(personalAccessTokens)
    .where(and(eq(personalAccessTokens.tenantId, owner.tenantId), eq(personalAccessTokens.adminId, owner.adminId)))
    .orderBy(desc(personalAccessTokens.createdAt), desc(personalAccessTokens.id))
    .all()
    .map((row) => withStatus(row, now));
}

/** One token, only when it belongs to this admin of this tenant (anyone else's reads as absent). */
export function findTokenOfAdmin(db: Db, owner: OwnTokenRef, tokenId: string, now = Date.now()): TokenSummary | undefined {
  const row = db
    .select(summaryColumns)
    .from(personalAccessTokens)
    .where(and(eq(personalAccessTokens.id, tokenId), eq(personalAccessTokens.tenantId, owner.tenantId), eq(personalAccessTokens.adminId, owner.adminId)))
    .get();
  return row && withStatus(row, now);
}
