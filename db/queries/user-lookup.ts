import type { Db } from "../client";
import type { Dialect } from "../driver/types";
import { inList, prepared } from "../prepared";
import type { EmailKey } from "../schema";

/**
 * A user a leaver file names. On SQLite also its rowid, the order the users table keeps it in,
 * which a leaver job processes its rows in (docs/decisions/0027).
 */
export type UserByEmail = { id: string; active: boolean; storageOrder?: number };

// What each lookup reads. The API's address → id comes from users_tenant_email_id_idx alone; a
// leaver file also needs the active flag, from the table, where SQLite's rowid comes for free.
const COLUMNS = {
  ids: "email_normalized as email, id",
  withStatus: "email_normalized as email, id, active",
  withStorageOrder: `email_normalized as email, id, active, rowid as "storageOrder"`,
} as const;
type Columns = keyof typeof COLUMNS;
type Row = { email: EmailKey; id: string; active?: number; storageOrder?: number };

// Keys per statement: a 1,000-address API lookup is one statement; a leaver file's chunks are split.
const MAX_KEYS = 1_024;
// The statement text per dialect, column set and padded list length, built once: the lookup API's hot path.
const sqlByShape = new Map<string, string>();

// SQLite is held to the covering index for address → id: left to choose, its planner took the
// unique (tenant_id, email_normalized) index for a single key (the covering one for four) and read
// the user's row for its id, an extra random page on 1,000,000 users (7-10 µs a key covered against
// 9.5-15.7 µs). The other lookups read the row anyway.
const COVERED_ON_SQLITE = "users indexed by users_tenant_email_id_idx";

/** The lookup's statement for `size` keys (padded by inList). */
export function lookupSql(dialect: Dialect, columns: Columns, size: number): string {
  const shape = `${dialect}:${columns}:${size}`;
  let sql = sqlByShape.get(shape);
  if (!sql) {
    const keys = inList(Array.from({ length: size }, () => "")).sql;
    const source = dialect === "sqlite" && columns === "ids" ? COVERED_ON_SQLITE : "users";
    sql = `select ${COLUMNS[columns]} from ${source} where tenant_id = ? and email_normalized in ${keys}`;
    sqlByShape.set(shape, sql);
  }
  return sql;
}

/** Runs the lookup on the tenant's email key, chunk by chunk. */
async function lookUp(db: Db, tenantId: string, emails: readonly EmailKey[], columns: Columns, onRow: (row: Row) => void): Promise<void> {
  const keys = emails.length > 1 ? [...new Set(emails)] : emails;
  for (let start = 0; start < keys.length; start += MAX_KEYS) {
    const list = inList(keys.length <= MAX_KEYS ? keys : keys.slice(start, start + MAX_KEYS));
    for (const row of await prepared<Row>(db, lookupSql(db.dialect, columns, list.values.length)).all(tenantId, ...list.values)) onRow(row);
  }
}

/** Email key → the tenant's user (id, active flag, and on SQLite its storage order): for leaver files. */
export async function findUsersByEmails(db: Db, tenantId: string, emails: readonly EmailKey[]): Promise<Map<EmailKey, UserByEmail>> {
  const found = new Map<EmailKey, UserByEmail>();
  const columns = db.dialect === "sqlite" ? "withStorageOrder" : "withStatus";
  await lookUp(db, tenantId, emails, columns, ({ email, id, active, storageOrder }) =>
    found.set(email, { id, active: active === 1, ...(storageOrder === undefined ? {} : { storageOrder }) }),
  );
  return found;
}

/** Email key → user id within one tenant: the hot path of the lookup API (most calls ask for one address). */
export async function findUserIdsByEmails(db: Db, tenantId: string, emails: readonly EmailKey[]): Promise<Map<EmailKey, string>> {
  const found = new Map<EmailKey, string>();
  await lookUp(db, tenantId, emails, "ids", (row) => found.set(row.email, row.id));
  return found;
}
