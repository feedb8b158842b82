import type Database from "better-sqlite3";

/**
 * What raw-SQL queries run on: the better-sqlite3 connection behind a drizzle handle (`Db`).
 *
 * One connection holds at most one transaction, and better-sqlite3 is synchronous: every statement
 * issued on the connection between BEGIN and COMMIT belongs to that transaction, whichever handle
 * issued it. So a function that "runs in the caller's transaction" takes the same `db` the caller
 * opened it on, also inside a drizzle `db.transaction((tx) => …)` callback.
 */
export type Connection = { $client: Database.Database };

export type Statement<Row = unknown> = Database.Statement<unknown[], Row>;

type ConnectionCache = { statements: Map<string, Statement>; transaction?: Database.Transaction<(work: () => unknown) => unknown> };

const caches = new WeakMap<Database.Database, ConnectionCache>();

// Above this many distinct statements the oldest is dropped. Every statement text in db/ is one of
// a bounded set (IN lists are padded to a few sizes, see `inList`), so this only bounds mistakes.
const MAX_STATEMENTS = 500;

function cacheOf(sqlite: Database.Database): ConnectionCache {
  let cache = caches.get(sqlite);
  if (!cache) caches.set(sqlite, (cache = { statements: new Map() }));
  return cache;
}

/**
 * The connection's prepared statement for `sql`, prepared on first use and cached per connection:
 * preparing costs ~100 µs, more than most of the statements themselves (the token lookup, the
 * email lookup and a deactivation run on every API request). The only place db/ prepares SQL.
 */
export function prepared<Row = unknown>(db: Connection, sql: string): Statement<Row> {
  const { statements } = cacheOf(db.$client);
  let statement = statements.get(sql);
  if (!statement) {
    if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
    statement = db.$client.prepare(sql);
    statements.set(sql, statement);
  }
  return statement as Statement<Row>;
}

/**
 * Runs `work` in a transaction on the connection (a savepoint when one is already open): rolled
 * back if it throws. "immediate" takes the write lock at BEGIN, so that a read-then-write cannot
 * fail half-way with SQLITE_BUSY; use it for every transaction that writes.
 */
export function inTransaction<T>(db: Connection, behavior: "deferred" | "immediate", work: () => T): T {
  const cache = cacheOf(db.$client);
  cache.transaction ??= db.$client.transaction((run: () => unknown) => run());
  return (behavior === "immediate" ? cache.transaction.immediate(work) : cache.transaction.deferred(work)) as T;
}

/**
 * For drizzle's `db.transaction(work, IMMEDIATE)`: a transaction that writes takes the write lock
 * at BEGIN. A deferred one reads first, and when another connection (a server, another instance)
 * commits meanwhile, its write fails at once with SQLITE_BUSY: "database is locked".
 */
export const IMMEDIATE = { behavior: "immediate" } as const;

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
