import { finished } from "node:stream/promises";
import type Database from "better-sqlite3";
import type { CopyStreamQuery } from "pg-copy-streams";
import type { Db, PostgresDb } from "./client";
import { prepared } from "./prepared";

// Helpers for loads of many rows in one transaction (the seed; docs/decisions/0002 and 0016).

/** A row's values in its table's column order (booleans as 1/0, JSON as text). */
export type Row = (string | number | null)[];
/** The columns of each table a load writes, in the order its rows list the values. */
export type Columns = Record<string, readonly string[]>;

/** Where a load's rows go: one prepared INSERT per table on SQLite, batches of COPY on PostgreSQL. */
export interface RowSink<Table extends string = string> {
  add(table: Table, row: Row): void;
  /** Called every thousand users or so, with the count so far: where the sink may write or yield. */
  pause(written: number): Promise<void>;
  /** Writes what is still held; the rows are then all in the database (in the caller's transaction). */
  finish(): Promise<void>;
}

/** better-sqlite3's prepared INSERTs, run synchronously: the fastest way into SQLite. */
export class SqliteRows implements RowSink {
  private readonly inserts = new Map<string, Database.Statement>();

  constructor(sqlite: Database.Database, columns: Columns) {
    for (const [table, names] of Object.entries(columns)) {
      this.inserts.set(table, sqlite.prepare(`insert into ${table} (${names.join(",")}) values (${names.map(() => "?").join(",")})`));
    }
  }

  add(table: string, row: Row): void {
    this.inserts.get(table)!.run(row);
  }

  pause(): Promise<void> {
    return Promise.resolve();
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * In WAL mode every page of a big load is written twice (to the WAL, then checkpointed into the
 * file). When no other process has the database open, a rollback journal writes it once; when
 * one does (a running server), switching fails and the load simply stays in WAL mode.
 */
export function switchToRollbackJournal(sqlite: Database.Database): () => void {
  try {
    sqlite.pragma("journal_mode = DELETE");
  } catch {
    return () => {};
  }
  return () => {
    sqlite.pragma("journal_mode = WAL");
  };
}

/**
 * Drops the triggers, and the declared indexes when asked, of the tables (inside the caller's
 * transaction) and returns how to recreate them from their own definitions. What the triggers of
 * `users` maintain (the search index, the tenant's user count) must then be caught up:
 * indexNewUsers, which does in one statement what they do row by row at several times the cost.
 */
export function suspendTriggers(sqlite: Database.Database, tables: string[], options: { indexes: boolean }): () => void {
  const types = options.indexes ? ["trigger", "index"] : ["trigger"];
  const objects = sqlite
    .prepare(
      `select type, name, sql from sqlite_master where type in (${types.map(() => "?").join(",")}) and sql is not null and tbl_name in (${tables.map(() => "?").join(",")})`,
    )
    .all(...types, ...tables) as { type: string; name: string; sql: string }[];
  for (const object of objects) sqlite.exec(`drop ${object.type} "${object.name}"`);
  return () => {
    for (const object of objects) sqlite.exec(object.sql);
  };
}

/**
 * The page cache of a bulk load on SQLite, which appends to the keys it keeps (ids in write order)
 * and builds the other indexes at the end. It is also the size of the runs SQLite's sorter sorts
 * before merging them: small runs sort faster. On 1,000,000 users, with two helper threads, the index
 * builds took two thirds of the time they took with 256 MB and none, and the seed a third of the
 * memory (docs/decisions/0002).
 */
export const BULK_LOAD_CACHE_KB = 4 * 1024;
const INDEX_BUILD_HELPER_THREADS = 2;

/**
 * Runs `build` (CREATE INDEX statements) with SQLite's sorter set for them: a small page cache,
 * which is also the size of the runs the sorter sorts before merging them, and helper threads to
 * sort those runs while the main thread reads the table. Restores both settings afterwards.
 */
export function withIndexBuildSorter(sqlite: Database.Database, build: () => void): void {
  const cacheSize = Number(sqlite.pragma("cache_size", { simple: true }));
  const threads = Number(sqlite.pragma("threads", { simple: true }));
  sqlite.pragma(`cache_size = -${BULK_LOAD_CACHE_KB}`);
  sqlite.pragma(`threads = ${INDEX_BUILD_HELPER_THREADS}`);
  try {
    build();
  } finally {
    sqlite.pragma(`threads = ${threads}`);
    sqlite.pragma(`cache_size = ${cacheSize}`);
  }
}

/**
 * Does for the users written after `afterRowid` (all of one tenant) what the triggers of `users`
 * would have done row by row: adds them to the search index and to the tenant's user count.
 */
export function indexNewUsers(sqlite: Database.Database, tenantId: string, afterRowid: number): void {
  // Merging index segments while a million rows stream in costs a quarter of the fill (1.8 of
  // 6.7 s); queries run as fast on the unmerged segments, and later writes merge them as usual.
  sqlite.exec("insert into users_search (users_search, rank) values ('automerge', 0)");
  sqlite
    .prepare(
      "insert into users_search (rowid, tenant_tag, email_normalized, name_folded, unique_code_folded, created_at, unique_code) " +
        "select u.rowid, t.search_tag, u.email_normalized, u.name_folded, u.unique_code_folded, u.created_at, u.unique_code " +
        "from users u join tenants t on t.id = u.tenant_id where u.rowid > ?",
    )
    .run(afterRowid);
  sqlite.prepare("insert into users_updated_at (user_rowid, updated_at) select rowid, updated_at from users where rowid > ?").run(afterRowid);
  sqlite.exec("insert into users_search (users_search, rank) values ('automerge', 4)"); // FTS5's default
  sqlite.prepare("update tenants set user_count = user_count + (select count(*) from users where rowid > ?) where id = ?").run(afterRowid, tenantId);
}

// Users per COPY batch: big enough that a statement's overhead is nothing, small enough that a
// batch (~7 MB of text for users) is cheap to hold while the previous one streams.
const COPY_BATCH = 10_000;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
// Testing first: hardly any value needs escaping, and a test is cheaper than a replace that finds nothing.
const copyText = (text: string) => (COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]!) : text);

/** A row in COPY's text format: tab-separated, `\N` for null, backslash escapes. */
export function copyLine(row: Row): string {
  let line = "";
  for (const value of row) line += value === null ? "\\N\t" : typeof value === "number" ? `${value}\t` : `${copyText(value)}\t`;
  return `${line.slice(0, -1)}\n`;
}

function copyFrom(db: Db, sql: string): CopyStreamQuery {
  if (db.dialect !== "postgres") throw new Error("COPY is PostgreSQL's");
  return (db as PostgresDb).copyFrom(sql);
}

/**
 * Rows into PostgreSQL by COPY, a batch of users at a time, each table's rows one COPY on the
 * transaction's one connection (users first: the other tables' foreign keys point at them). One
 * batch streams while the next is made: `pause` yields to the event loop so its socket writes
 * go on meanwhile, and the server works while Node generates.
 */
export class CopyRows implements RowSink {
  private readonly pending = new Map<string, string[]>();
  private inFlight: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly db: Db,
    private readonly columns: Columns,
  ) {
    for (const table of Object.keys(columns)) this.pending.set(table, []);
  }

  add(table: string, row: Row): void {
    this.pending.get(table)!.push(copyLine(row));
  }

  async pause(written: number): Promise<void> {
    // A batch that failed aborted the transaction: stop generating rows nobody will write.
    if (this.failure) throw this.failure.error;
    if (written % COPY_BATCH === 0) return this.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  private async flush(): Promise<void> {
    const batch: [string, string][] = [];
    for (const [table, lines] of this.pending) {
      if (lines.length > 0) batch.push([table, lines.join("")]);
      this.pending.set(table, []);
    }
    await this.inFlight;
    this.inFlight = this.send(batch);
    // Handled here so that a failure while the next batch is made is no unhandled rejection; the
    // next pause or finish rethrows it.
    this.inFlight.catch((error: unknown) => (this.failure ??= { error }));
  }

  private async send(batch: [string, string][]): Promise<void> {
    // One after another: a connection runs one COPY at a time (users first, for the foreign keys).
    for (const [table, text] of batch) {
      const stream = copyFrom(this.db, `copy ${table} (${this.columns[table]!.join(",")}) from stdin`);
      stream.end(text);
      await finished(stream);
    }
  }
}

/** The indexes, keys and foreign keys of tables, as dropped by suspendPostgresIndexes to be recreated. */
export type SuspendedIndexes = {
  tables: string[];
  constraints: { table: string; name: string; kind: "p" | "u" | "f"; definition: string }[];
  indexes: { name: string; definition: string }[];
};

// Keys and foreign keys of the tables, and the foreign keys of other tables that point at them
// (their targets' unique indexes cannot be dropped under them).
const CONSTRAINTS_OF = `select conrelid::regclass::text as "table", conname as name, contype::text as kind, pg_get_constraintdef(oid) as definition
  from pg_constraint
  where (contype in ('p', 'u') and conrelid = any(?::regclass[])) or (contype = 'f' and (conrelid = any(?::regclass[]) or confrelid = any(?::regclass[])))`;
// The indexes that no key of their table owns (those go with their constraint).
const INDEXES_OF = `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
  from pg_index i
  where i.indrelid = any(?::regclass[])
    and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u', 'x'))`;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Drops every index, key and foreign key of the tables (inside the caller's transaction, which
 * then holds them exclusively): building an index once over a million rows is several times
 * cheaper than keeping it row by row, and a foreign key checked by one join than row by row.
 */
export async function suspendPostgresIndexes(db: Db, tables: string[]): Promise<SuspendedIndexes> {
  const array = `{${tables.join(",")}}`;
  const constraints = await prepared<SuspendedIndexes["constraints"][number]>(db, CONSTRAINTS_OF).all(array, array, array);
  const indexes = await prepared<SuspendedIndexes["indexes"][number]>(db, INDEXES_OF).all(array);
  const foreignKeysFirst = [...constraints].sort((a, b) => Number(b.kind === "f") - Number(a.kind === "f"));
  for (const constraint of foreignKeysFirst) await db.exec(`alter table ${constraint.table} drop constraint ${quoted(constraint.name)}`);
  for (const index of indexes) await db.exec(`drop index ${index.name}`);
  return { tables, constraints, indexes };
}

/**
 * Recreates what suspendPostgresIndexes dropped, from the definitions it read: unique ones fail
 * on a duplicate and foreign keys on a dangling reference, failing the caller's transaction.
 * Then refreshes the planner's statistics, which know nothing of the rows yet.
 */
export async function resumePostgresIndexes(db: Db, suspended: SuspendedIndexes): Promise<void> {
  // For the duration of this transaction: index builds sort in memory rather than in temporary
  // files, and the trigram (GIN) build flushes its entries far less often (the default is 64 MB).
  await db.exec("set local maintenance_work_mem = '1GB'");
  const keys = suspended.constraints.filter((constraint) => constraint.kind !== "f");
  const foreignKeys = suspended.constraints.filter((constraint) => constraint.kind === "f");
  for (const key of keys) await db.exec(`alter table ${key.table} add constraint ${quoted(key.name)} ${key.definition}`);
  for (const index of suspended.indexes) await db.exec(index.definition);
  for (const key of foreignKeys) await db.exec(`alter table ${key.table} add constraint ${quoted(key.name)} ${key.definition}`);
  await db.exec(`analyze ${suspended.tables.join(", ")}`);
}
