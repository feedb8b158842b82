import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";

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
  select t.id, t.tenant_id as "tenantId", t.secret_hash as "secretHash", t.scopes, t.expires_at as "expiresAt",
         t.revoked_at as "revokedAt", a.role, a.id as "adminId", u.id as "userId", u.name as "userName", u.active as "userActive"
  from personal_access_tokens t
  join admins a on a.id = t.admin_id
  join users u on u.id = a.user_id
  where t.id = ?`;

type TokenPrincipalRecord = Omit<TokenPrincipalRow, "scopes" | "userActive"> & { scopes: string; userActive: number };

/** Everything needed to judge a presented token, in one indexed read. */
export async function findTokenPrincipal(db: Db, tokenId: string): Promise<TokenPrincipalRow | undefined> {
  // Runs on every API request: one cached prepared statement.
  const row = await prepared<TokenPrincipalRecord>(db, TOKEN_PRINCIPAL_SQL).get(tokenId);
  if (!row) return undefined;
  return { ...row, scopes: JSON.parse(row.scopes) as string[], userActive: row.userActive === 1 };
}

// Only ever moves the time forward: another process may flush an older use after a newer one.
const RECORD_TOKEN_USE = `update personal_access_tokens set last_used_at = ?
  where id = ? and (last_used_at is null or last_used_at < ?)`;

/** Writes buffered last-use times: one statement per token, in one transaction. */
export async function recordTokenUse(db: Db, lastUse: Map<string, number>): Promise<void> {
  if (lastUse.size === 0) return;
  await inTransaction(db, "immediate", async () => {
    for (const [id, at] of lastUse) await prepared(db, RECORD_TOKEN_USE).run(at, id, at);
  });
}
