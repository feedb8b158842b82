import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { IMMEDIATE, prepared } from "../prepared";
import { personalAccessTokens } from "../schema";

export type TokenPrincipalRow = {
  id: string;
  tenantId: string;
  secretHash: string;
  scopes: string[];
  expiresAt: number | null;
  revokedAt: number | null;
  role: "admin" | "helpdesk" | "auditor";
  adminId: string;
  userId: string;
  userName: string;
  userActive: boolean;
};

const TOKEN_PRINCIPAL_SQL = `
  select t.id, t.tenant_id as tenantId, t.secret_hash as secretHash, t.scopes, t.expires_at as expiresAt,
         t.revoked_at as revokedAt, a.role, a.id as adminId, u.id as userId, u.name as userName, u.active as userActive
  from personal_access_tokens t
  join admins a on a.id = t.admin_id
  join users u on u.id = a.user_id
  where t.id = ?`;

/** Everything needed to judge a presented token, in one indexed read. */
export function findTokenPrincipal(db: Db, tokenId: string): TokenPrincipalRow | undefined {
  // Runs on every API request: a prepared statement, not the query builder.
  const row = prepared<Record<string, unknown>>(db, TOKEN_PRINCIPAL_SQL).get(tokenId);
  if (!row) return undefined;
  return { ...(row as Omit<TokenPrincipalRow, "scopes" | "userActive">), scopes: JSON.parse(String(row.scopes)) as string[], userActive: row.userActive === 1 };
}

/** Writes buffered last-use times: one statement per token, in one transaction. */
export function recordTokenUse(db: Db, lastUse: Map<string, number>): void {
  if (lastUse.size === 0) return;
  db.transaction((tx) => {
    for (const [id, at] of lastUse) {
      tx.update(personalAccessTokens)
        .set({ lastUsedAt: sql`max(coalesce(${personalAccessTokens.lastUsedAt}, 0), ${at})` })
        .where(eq(personalAccessTokens.id, id))
        .run();
    }
  }, IMMEDIATE);
}
