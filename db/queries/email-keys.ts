import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { EmailKey } from "../schema";

export type EmailRekeyConflict = { table: "users" | "user_emails"; rowId: string; userId: string; otherUserId: string };
export type EmailRekeyResult = { rekeyed: number; conflicts: EmailRekeyConflict[] };

const CHUNK = 1_000;

// Bytes and characters differ exactly for text that is not pure ASCII (SQLite stores UTF-8).
const NON_ASCII_ROWS = {
  users: `select rowid, id, id as userId, tenant_id as tenantId, email, email_normalized as key from users
          where rowid > ? and length(cast(email as blob)) <> length(email) order by rowid limit ${CHUNK}`,
  user_emails: `select rowid, id, user_id as userId, tenant_id as tenantId, email, email_normalized as key from user_emails
                where rowid > ? and length(cast(email as blob)) <> length(email) order by rowid limit ${CHUNK}`,
} as const;

const OTHER_OWNER_OF_KEY = `select id as userId from users where tenant_id = @tenantId and email_normalized = @key and id <> @userId
  union all select user_id from user_emails where tenant_id = @tenantId and email_normalized = @key and user_id <> @userId limit 1`;

type StoredAddress = { rowid: number; id: string; userId: string; tenantId: string; email: string; key: string };

/**
 * Re-keys stored addresses (users.email_normalized, user_emails.email_normalized) whose address
 * is not pure ASCII by `keyOf`, in one immediate transaction; ASCII keys never change. A row
 * whose new key is already another user's (primary or other address, same tenant) is left as it
 * is and returned as a conflict. Idempotent: rows already keyed by `keyOf` are not written.
 */
export function rekeyNonAsciiEmails(db: Db, keyOf: (email: string) => EmailKey): EmailRekeyResult {
  return inTransaction(db, "immediate", () => {
    const result: EmailRekeyResult = { rekeyed: 0, conflicts: [] };
    for (const table of ["users", "user_emails"] as const) {
      const update = prepared(db, `update ${table} set email_normalized = ? where id = ?`);
      // Read in rowid chunks: a statement cannot be iterated while others run on the connection.
      for (let after = 0; ;) {
        const rows = prepared<StoredAddress>(db, NON_ASCII_ROWS[table]).all(after);
        for (const row of rows) {
          const key = keyOf(row.email);
          if (key === row.key) continue;
          const other = prepared<{ userId: string }>(db, OTHER_OWNER_OF_KEY).get({ tenantId: row.tenantId, key, userId: row.userId });
          if (other) {
            result.conflicts.push({ table, rowId: row.id, userId: row.userId, otherUserId: other.userId });
            continue;
          }
          update.run(key, row.id);
          result.rekeyed += 1;
        }
        if (rows.length < CHUNK) break;
        after = rows[rows.length - 1]!.rowid;
      }
    }
    return result;
  });
}
