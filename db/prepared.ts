import type { Db, Statement, TransactionMode } from "./driver/types";

export type { Db, Statement } from "./driver/types";

/**
 * The connection's prepared statement for `sql`, prepared on first use and cached per connection:
 * preparing costs ~100 µs on SQLite, more than most of the statements themselves (the token
 * lookup, the email lookup and a deactivation run on every API request). The only place db/
 * prepares SQL. Write it for both dialects: quote camelCase aliases (`as "userId"`: PostgreSQL
 * folds bare names to lower case), `true`/`false` for flags, and branch on `db.dialect` where
 * the SQL differs.
 */
export function prepared<Row = unknown>(db: Db, sql: string): Statement<Row> {
  return db.statement<Row>(sql);
}

/**
 * `prepared` for a statement over the webhook queue's tables, which go from empty to a job's
 * hundreds of thousands of rows and back (retention): PostgreSQL plans it on every execution. A
 * named statement's generic plan, made while the tables were empty after a vacuum, read every
 * pending delivery for each one in the claim (49 s a claim over 100,000 deliveries, bench:webhooks),
 * and every event for each delivery in a page of the console's delivery log (2,003,000 rows for a page over 2,000 deliveries).
 */
export function preparedForGrowingTables<Row = unknown>(db: Db, sql: string): Statement<Row> {
  return db.statement<Row>(sql, { planEachTime: true });
}

/**
 * Runs `work`, statements that must walk an index in its order and stop at their limit, with
 * PostgreSQL's sorts turned off for its transaction (SET LOCAL; in a savepoint, until the enclosing
 * transaction ends). For the webhook queue's tables: planned on the statistics of an empty queue,
 * PostgreSQL expected a few rows and fetched and sorted all of them instead, however many a job
 * had queued since (docs/decisions/0018). On SQLite, `work` as it is.
 */
export function withoutSorting<T>(db: Db, work: () => Promise<T>): Promise<T> {
  if (db.dialect !== "postgres") return work();
  return inTransaction(db, "deferred", async () => {
    await db.exec("set local enable_sort = off");
    return work();
  });
}

/**
 * Runs `work` in a transaction on the connection (a savepoint when one is already open): rolled
 * back if it throws. "immediate" takes SQLite's write lock at BEGIN, so that a read-then-write
 * cannot fail half-way with SQLITE_BUSY; use it for every transaction that writes.
 */
export function inTransaction<T>(db: Db, mode: TransactionMode, work: () => Promise<T>): Promise<T> {
  return db.transaction(work, mode);
}

/**
 * An IN list's placeholders and values, padded up to the next power of two with repeats of the
 * first value (which change nothing in an IN list), so that a few statements serve every length.
 */
export function inList<T>(values: readonly T[]): { sql: string; values: readonly T[] } {
  let size = 1;
  while (size < values.length) size *= 2;
  if (values.length === size) return { sql: placeholders(size), values };
  const padded = [...values];
  while (padded.length < size && values.length > 0) padded.push(values[0] as T);
  return { sql: placeholders(size), values: padded };
}

const placeholderLists: string[] = [];
const placeholders = (size: number) => (placeholderLists[size] ??= `(${Array(size).fill("?").join(",")})`);

/**
 * The collation clause that makes a text comparison or sort follow code points on PostgreSQL,
 * whatever the database's collation, as SQLite's BINARY does; the "C" indexes of the PostgreSQL
 * migrations serve only comparisons that carry it.
 */
export const codePointOrder = (dialect: Db["dialect"]) => (dialect === "postgres" ? ' collate "C"' : "");

/**
 * A column compared for its value alone, never looked up by: the tenant's filter beside a list of
 * ids. Without statistics SQLite takes "tenant_id = ?" for the more selective term and walks every
 * row of the tenant to find the few listed (2.9 s on a million users, against 0.3 ms by their
 * ids); its unary plus keeps an index off the column. PostgreSQL plans from statistics, and has no
 * unary plus for text.
 */
export const checkedOnly = (dialect: Db["dialect"], column: string) => (dialect === "sqlite" ? `+${column}` : column);

/**
 * A condition true for text that is not pure ASCII: its bytes and characters differ exactly then
 * (both databases store UTF-8). Keys of ASCII text are the same under every folding rule.
 */
export const notAscii = (dialect: Db["dialect"], column: string) =>
  dialect === "postgres" ? `octet_length(${column}) <> char_length(${column})` : `length(cast(${column} as blob)) <> length(${column})`;

/** The smallest string greater than every string starting with `prefix`: a prefix match as an index range. */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
