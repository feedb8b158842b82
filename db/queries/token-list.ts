import type { Db } from "../client";
import { prepared } from "../prepared";
import type { PersonalAccessToken } from "../schema";

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

const SUMMARY_COLUMNS = `id, name, scopes, created_at as "createdAt", expires_at as "expiresAt", last_used_at as "lastUsedAt", revoked_at as "revokedAt"`;

const TOKENS_OF_ADMIN = `select ${SUMMARY_COLUMNS} from personal_access_tokens
  where tenant_id = ? and admin_id = ? order by created_at desc, id desc`;
const TOKEN_OF_ADMIN = `select ${SUMMARY_COLUMNS} from personal_access_tokens where id = ? and tenant_id = ? and admin_id = ?`;

/** Revocation wins over expiry: a revoked token stays "revoked" after its expiry passes. */
export function tokenStatus(token: Pick<PersonalAccessToken, "expiresAt" | "revokedAt">, now = Date.now()): TokenStatus {
  if (token.revokedAt !== null) return "revoked";
  if (token.expiresAt !== null && token.expiresAt <= now) return "expired";
  return "active";
}

// Scopes are JSON, read back as text on both databases.
type SummaryRow = Omit<TokenSummary, "status" | "scopes"> & { scopes: string };
const summaryOf = (row: SummaryRow, now: number): TokenSummary => ({ ...row, scopes: JSON.parse(row.scopes) as string[], status: tokenStatus(row, now) });

/** An admin's own tokens, newest first. */
export async function listTokensOfAdmin(db: Db, owner: OwnTokenRef, now = Date.now()): Promise<TokenSummary[]> {
  const rows = await prepared<SummaryRow>(db, TOKENS_OF_ADMIN).all(owner.tenantId, owner.adminId);
  return rows.map((row) => summaryOf(row, now));
}

/** One token, only when it belongs to this admin of this tenant (anyone else's reads as absent). */
export async function findTokenOfAdmin(db: Db, owner: OwnTokenRef, tokenId: string, now = Date.now()): Promise<TokenSummary | undefined> {
  const row = await prepared<SummaryRow>(db, TOKEN_OF_ADMIN).get(tokenId, owner.tenantId, owner.adminId);
  return row && summaryOf(row, now);
}
