import type { Db } from "../client";
import { inTransaction, notAscii, prepared } from "../prepared";
import type { EmailKey } from "../schema";

export type EmailRekeyConflict = { table: "users" | "user_emails"; rowId: string; userId: string; otherUserId: string };
export type EmailRekeyResult = { rekeyed: number; conflicts: EmailRekeyConflict[] };

const CHUNK = 1_000;

// SQLite reads in rowid chunks (its table order); PostgreSQL has no rowid and reads in primary key order.
const nonAsciiRows = (dialect: Db["dialect"], table: "users" | "user_emails") => {
  const cursor = dialect === "sqlite" ? "rowid" : "id";
  const userId = table === "users" ? "id" : "user_id";
  return `select ${cursor} as cursor, id, ${userId} as "userId", tenant_id as "tenantId", email, email_normalized as key from ${table}
    where ${cursor} > ? and ${notAscii(dialect, "email")} order by ${cursor} limit ${CHUNK}`;
};
const FIRST_CURSOR = { sqlite: 0, postgres: "" } as const;

const OTHER_OWNER_OF_KEY = `select id as "userId" from users where tenant_id = @tenantId and email_normalized = @key and id <> @userId
  union all select user_id from user_emails where tenant_id = @tenantId and email_normalized = @key and user_id <> @userId limit 1`;

type StoredAddress = { cursor: number | string; id: string; userId: string; tenantId: string; email: string; key: string };

/**
 * Re-keys stored addresses (users.email_normalized, user_emails.email_normalized) whose address
 * is not pure ASCII by `keyOf`, in one immediate transaction; ASCII keys never change. A row
 * whose new key is already another user's (primary or other address, same tenant) is left as it
 * is and returned as a conflict. Idempotent: rows already keyed by `keyOf` are not written.
 */
export function rekeyNonAsciiEmails(db: Db, keyOf: (email: string) => EmailKey): Promise<EmailRekeyResult> {
  return inTransaction(db, "immediate", async () => {
    const result: EmailRekeyResult = { rekeyed: 0, conflicts: [] };
    for (const table of ["users", "user_emails"] as const) {
      const update = prepared(db, `update ${table} set email_normalized = ? where id = ?`);
      const read = prepared<StoredAddress>(db, nonAsciiRows(db.dialect, table));
      // Read in chunks, each after the last row of the one before: what a chunk's rows change
      // cannot move a row into or out of a later chunk.
      for (let after: number | string = FIRST_CURSOR[db.dialect]; ;) {
        const rows = await read.all(after);
        for (const row of rows) {
          const key = keyOf(row.email);
          if (key === row.key) continue;
          const other = await prepared<{ userId: string }>(db, OTHER_OWNER_OF_KEY).get({ tenantId: row.tenantId, key, userId: row.userId });
          if (other) {
            result.conflicts.push({ table, rowId: row.id, userId: row.userId, otherUserId: other.userId });
            continue;
          }
          await update.run(key, row.id);
          result.rekeyed += 1;
        }
        if (rows.length < CHUNK) break;
        after = rows[rows.length - 1]!.cursor;
      }
    }
    return result;
  });
}
