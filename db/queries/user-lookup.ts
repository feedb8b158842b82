import type { Db } from "../client";
import { inList, prepared } from "../prepared";
import type { EmailKey } from "../schema";

export type UserByEmail = { id: string; active: boolean };

// Keys per statement: a 1,000-address API lookup is one statement; a leaver file's chunks are split.
const MAX_KEYS = 1_024;

/**
 * Email key → the tenant's user (id and active flag), on the (tenant_id, email_normalized) unique
 * index: the hot path of the lookup API (most calls ask for one address) and of leaver files.
 */
export function findUsersByEmails(db: Db, tenantId: string, emails: readonly EmailKey[]): Map<EmailKey, UserByEmail> {
  const keys = [...new Set(emails)];
  const found = new Map<EmailKey, UserByEmail>();
  for (let start = 0; start < keys.length; start += MAX_KEYS) {
    const list = inList(keys.slice(start, start + MAX_KEYS));
    const sql = `select email_normalized as email, id, active from users where tenant_id = ? and email_normalized in ${list.sql}`;
    for (const row of prepared<{ email: EmailKey; id: string; active: number }>(db, sql).all(tenantId, ...list.values)) {
      found.set(row.email, { id: row.id, active: row.active === 1 });
    }
  }
  return found;
}

/** Email key → user id within one tenant (see findUsersByEmails). */
export function findUserIdsByEmails(db: Db, tenantId: string, emails: readonly EmailKey[]): Map<EmailKey, string> {
  const ids = new Map<EmailKey, string>();
  for (const [email, user] of findUsersByEmails(db, tenantId, emails)) ids.set(email, user.id);
  return ids;
}
