import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { admins, personalAccessTokens, users } from "../schema";

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

/** Everything needed to judge a presented token, in one indexed read. */
export function findTokenPrincipal(db: Db, tokenId: string): TokenPrincipalRow | undefined {
  return db
    .select({
      id: personalAccessTokens.id,
      tenantId: personalAccessTokens.tenantId,
      secretHash: personalAccessTokens.secretHash,
      scopes: personalAccessTokens.scopes,
      expiresAt: personalAccessTokens.expiresAt,
      revokedAt: personalAccessTokens.revokedAt,
      role: admins.role,
      adminId: admins.id,
      userId: users.id,
      userName: users.name,
      userActive: users.active,
    })
    .from(personalAccessTokens)
    .innerJoin(admins, eq(admins.id, personalAccessTokens.adminId))
    .innerJoin(users, eq(users.id, admins.userId))
    .where(eq(personalAccessTokens.id, tokenId))
    .get();
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
  });
}
