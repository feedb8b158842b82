import type { Db } from "../client";
import { inList, prepared } from "../prepared";
import type { EmailKey } from "../schema";

export type UserByEmail = { id: string; active: boolean };

type Row = { email: EmailKey; id: string; active: number };

// Keys per statement: a 1,000-address API lookup is one statement; a leaver file's chunks are split.
const MAX_KEYS = 1_024;
// The statement text per padded list length, built once: the lookup API's hot path.
const sqlBySize = new Map<number, string>();

/** Runs the lookup on the (tenant_id, email_normalized) unique index, chunk by chunk. */
async function lookUp(db: Db, tenantId: string, emails: readonly EmailKey[], onRow: (row: Row) => void): Promise<void> {
  const keys = emails.length > 1 ? [...new Set(emails)] : emails;
  for (let start = 0; start < keys.length; start += MAX_KEYS) {
    const list = inList(keys.length <= MAX_KEYS ? keys : keys.slice(start, start + MAX_KEYS));
    let sql = sqlBySize.get(list.values.length);
    if (!sql)
      sqlBySize.set(
        list.values.length,
        (sql = `select email_normalized as email, id, active from users where tenant_id = ? and email_normalized in ${list.sql}`),
      );
    for (const row of await prepared<Row>(db, sql).all(tenantId, ...list.values)) onRow(row);
  }
}

/** Email key → the tenant's user (id and active flag): for leaver files. */
export async function findUsersByEmails(db: Db, tenantId: string, emails: readonly EmailKey[]): Promise<Map<EmailKey, UserByEmail>> {
  const found = new Map<EmailKey, UserByEmail>();
  await lookUp(db, tenantId, emails, (row) => found.set(row.email, { id: row.id, active: row.active === 1 }));
  return found;
}

/** Email key → user id within one tenant: the hot path of the lookup API (most calls ask for one address). */
export async function findUserIdsByEmails(db: Db, tenantId: string, emails: readonly EmailKey[]): Promise<Map<EmailKey, string>> {
  const found = new Map<EmailKey, string>();
  await lookUp(db, tenantId, emails, (row) => found.set(row.email, row.id));
  return found;
}
