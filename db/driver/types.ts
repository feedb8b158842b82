/**
 * The data layer's one API over both databases (docs/decisions/0016): SQL text with `?` (or
 * `@name`) placeholders, run as a cached prepared statement, every call async. better-sqlite3
 * (the embedded default) and node-postgres (production) implement it; query functions in db/
 * take a `Db` and never see which one they run on, except through `dialect` where the SQL differs.
 */
export type Dialect = "sqlite" | "postgres";

/** A statement parameter: positional values, or one object for `@name` placeholders. */
export type Param = string | number | bigint | null | Buffer | Record<string, unknown>;

export interface Statement<Row = unknown> {
  get(...params: Param[]): Promise<Row | undefined>;
  all(...params: Param[]): Promise<Row[]>;
  /** `changes`: the rows the statement inserted, updated or deleted. */
  run(...params: Param[]): Promise<{ changes: number }>;
}

/**
 * "immediate" takes the write lock at BEGIN on SQLite (a read-then-write cannot then fail half-way
 * with SQLITE_BUSY); use it for every transaction that writes. PostgreSQL has no such mode: its
 * writers lock rows as they go (`select … for update` where a read decides a write).
 */
export type TransactionMode = "deferred" | "immediate";

/**
 * planEachTime: PostgreSQL plans the statement on every execution instead of keeping the plan of a
 * named prepared statement, whose generic plan, once made for an empty table, stays after the table
 * has grown (ignored on SQLite, whose plans do not follow the tables' sizes).
 */
export type StatementOptions = { planEachTime?: boolean };

export interface Db {
  readonly dialect: Dialect;
  /** The connection's prepared statement for `sql`, prepared on first use and cached. */
  statement<Row = unknown>(sql: string, options?: StatementOptions): Statement<Row>;
  /**
   * Runs `work` in a transaction, committed when it resolves and rolled back when it throws; inside
   * another transaction, in a savepoint. Every statement issued on this handle from `work`'s async
   * context belongs to the transaction, so a function that "runs in the caller's transaction" just
   * takes the same `Db` (another handle is another connection and does not join it). Nested transactions begun side by side take turns. On
   * PostgreSQL a failed statement aborts the whole transaction: to go on after catching one, run
   * that statement in a nested transaction (a savepoint), as SQLite then behaves the same.
   */
  transaction<T>(work: () => Promise<T>, mode?: TransactionMode): Promise<T>;
  /** Whether a statement issued here now belongs to a transaction of this handle (this async context's). */
  inTransaction(): boolean;
  /** Runs SQL with no parameters and no result (several statements allowed): set-up and tests. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
