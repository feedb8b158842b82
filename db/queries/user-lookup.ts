import type { Db } from "../client";
import { normalizeEmail } from "../factories";

/**
 * Email → user id within one tenant, for up to a thousand addresses in one indexed query.
 * Keys of the result are normalized (trimmed, lower-cased) addresses.
 */
export function findUserIdsByEmails(db: Db, tenantId: string, emails: readonly string[]): Map<string, string> {
  const normalized = [...new Set(emails.map(normalizeEmail))];
  const found = new Map<string, string>();
  if (normalized.length === 0) return found;
  // Raw SQL on the (tenant_id, email_normalized) unique index: the one hot path of the lookup API.
  const statement = db.$client.prepare(
    `select email_normalized as email, id from users where tenant_id = ? and email_normalized in (${normalized.map(() => "?").join(",")})`,
  );
  for (const row of statement.all(tenantId, ...normalized) as { email: string; id: string }[]) found.set(row.email, row.id);
  return found;
}
