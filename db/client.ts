import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { PostgresDb, type PostgresOptions } from "./driver/postgres";
import { SqliteDb } from "./driver/sqlite";
import { SETUP_LOCK_SUFFIX } from "./sqlite-files";
import type { Db } from "./driver/types";
import { migratePostgres, pendingPostgresMigrations, withPostgresSetupLock } from "./postgres/client";

export type { Db } from "./driver/types";
export { PostgresDb } from "./driver/postgres";
export { SqliteDb } from "./driver/sqlite";

const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/** Opens (creating if needed) a SQLite file with the settings Roster relies on. */
export function openDatabase(filePath: string): SqliteDb {
  if (filePath !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
  const sqlite = new Database(filePath);
  // WAL lets the console read while a writer works; the busy timeout makes concurrent
  // writers (server and CLI on one file) wait instead of failing with SQLITE_BUSY.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return new SqliteDb(sqlite);
}

/** Opens the database a DATABASE_URL names: `file:<path>` (SQLite) or `postgres://…`. */
export function openDatabaseUrl(url: string, options: PostgresOptions = {}): Db {
  if (url.startsWith("file:")) return openDatabase(url.slice("file:".length));
  return new PostgresDb(url, options);
}

/** The better-sqlite3 connection behind a SQLite `Db`, for what only SQLite has (pragmas, backup). */
export function sqliteClient(db: Db): Database.Database {
  // By dialect, not instanceof: the server's bundle and Next's each hold a copy of these classes.
  if (db.dialect !== "sqlite") throw new Error(`only SQLite has this (the database is ${db.dialect})`);
  return (db as SqliteDb).client;
}

/**
 * Runs `work` (migrations, the demo seed) while holding the database's setup lock, so that
 * instances starting at once set the database up one after another: the others wait, then find
 * nothing left to do. On PostgreSQL an advisory lock (db/postgres/client.ts); on SQLite a write
 * transaction held open on a small file beside the database (`<file>.setup-lock`), so that the
 * operating system releases it if the process dies.
 */
export async function withSetupLock<T>(db: Db, work: () => Promise<T>, warn: (line: string) => void = console.warn): Promise<T> {
  if (db.dialect === "postgres") return withPostgresSetupLock((db as PostgresDb).pool, work);
  // better-sqlite3's `name`: the path the connection was opened with.
  const filePath = sqliteClient(db).name;
  if (filePath === ":memory:") return work();
  let lock: Database.Database | null = null;
  try {
    lock = new Database(`${filePath}${SETUP_LOCK_SUFFIX}`);
    // Long enough for another instance's first start: migrations and the demo seed.
    lock.pragma("busy_timeout = 300000");
    lock.exec("BEGIN IMMEDIATE");
  } catch (error) {
    lock?.close();
    const code = String((error as { code?: unknown }).code ?? "");
    if (!code.startsWith("SQLITE_READONLY") && !code.startsWith("SQLITE_CANTOPEN")) throw error;
    // Someone else's lock file, or a read-only folder: go on without taking turns (the database's
    // own checks name what is wrong with it, if anything).
    warn(`roster: cannot take the setup lock ${filePath}${SETUP_LOCK_SUFFIX} (${code}); setting up without it`);
    return work();
  }
  try {
    return await work();
  } finally {
    if (lock.inTransaction) lock.exec("ROLLBACK");
    lock.close();
  }
}

/** Applies the dialect's migrations (db/migrations/ or db/migrations-postgres/). */
export async function migrateDatabase(db: Db): Promise<void> {
  if (db.dialect === "postgres") return migratePostgres((db as PostgresDb).pool);
  migrate(drizzle(sqliteClient(db)), { migrationsFolder: MIGRATIONS_FOLDER });
}

type Journal = { entries: { tag: string; when: number }[] };
let journal: Journal | undefined;

/**
 * The migrations in this build that the database has not applied (drizzle records each applied
 * one's journal time): non-empty when an older instance or a failed start left the schema behind.
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  if (db.dialect === "postgres") return pendingPostgresMigrations((db as PostgresDb).pool);
  journal ??= JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as Journal;
  const applied = (await db.statement<{ last: number | null }>("select max(created_at) as last from __drizzle_migrations").get())?.last ?? 0;
  return journal.entries.filter((entry) => entry.when > applied).map((entry) => entry.tag);
}

/**
 * Copies the live database to `file` with SQLite's online backup: consistent while other
 * connections keep writing (a plain file copy can miss what is still in the WAL).
 */
export async function backupDatabase(db: Db, file: string): Promise<{ pages: number }> {
  if (db.dialect !== "sqlite") throw new Error("backup copies a SQLite database; back PostgreSQL up with pg_dump");
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const { totalPages } = await sqliteClient(db).backup(file);
  return { pages: totalPages };
}

export async function closeDatabase(db: Db): Promise<void> {
  await db.close();
}

const PROBLEMS: Record<string, string> = {
  SQLITE_READONLY: "the database is read-only",
  SQLITE_FULL: "the database or its disk is full",
  SQLITE_CANTOPEN: "the database file cannot be opened",
  SQLITE_IOERR: "the database cannot be read or written (I/O error)",
  // PostgreSQL's SQLSTATEs (and node's connection errors)
  "25006": "the database is read-only",
  "53100": "the database's disk is full",
  "57P03": "the database is starting up or shutting down",
  ECONNREFUSED: "the database server refuses connections",
  "28P01": "the database refused the password",
  "3D000": "the database does not exist on the server",
  ENOTFOUND: "the database server's host name does not resolve",
};

/**
 * Whether the database answers reads and takes a write: a read-only file or a full disk let
 * reads through while every change fails, so a health check that only reads would say "ok".
 */
/** A SQLite database's journal mode is part of the answer: WAL is what concurrent readers rely on. */
export type DatabaseCheck = { ok: true; dialect: "sqlite"; journalMode: string } | { ok: true; dialect: "postgres" } | { ok: false; error: string };

// More than a pool's connections (db/driver/postgres.ts: 10 unless told): each try below can only
// meet a dead connection that the tries before it have not.
const DEAD_CONNECTION_TRIES = 12;

export async function checkDatabase(db: Db, now = Date.now()): Promise<DatabaseCheck> {
  // A pooled PostgreSQL connection that died while idle (the server went away) fails its next query
  // with "Connection terminated" and leaves the pool; every idle one does so in turn. Tried again
  // until one asks the server itself, which then refuses the connection, or answers again.
  let check = await probeDatabase(db, now);
  for (let tries = 1; tries < DEAD_CONNECTION_TRIES && !check.ok && db.dialect === "postgres" && /connection terminated/i.test(check.error); tries++)
    check = await probeDatabase(db, now);
  return check;
}

async function probeDatabase(db: Db, now: number): Promise<DatabaseCheck> {
  try {
    await db.statement("select 1").get();
    await db.statement("insert into health_checks (id, checked_at) values (1, ?) on conflict (id) do update set checked_at = excluded.checked_at").run(now);
    if (db.dialect === "postgres") return { ok: true, dialect: "postgres" };
    return { ok: true, dialect: "sqlite", journalMode: String(sqliteClient(db).pragma("journal_mode", { simple: true })) };
  } catch (error) {
    return { ok: false, error: databaseProblem(error) };
  }
}

/**
 * Whether a check's problem is one of the known kinds above, which say what is wrong and nothing of
 * the database's own message (health answers strangers too: anything else stays in the log).
 */
export function isKnownDatabaseProblem(problem: string): boolean {
  return Object.values(PROBLEMS).includes(problem);
}

/** What a database error means for an operator: "the database is read-only", "… refuses connections", or its message. */
export function databaseProblem(error: unknown): string {
  // drizzle's migrator wraps the driver's error (DrizzleQueryError): its code is on a cause.
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause && typeof cause === "object"; depth += 1, cause = (cause as { cause?: unknown }).cause) {
    const code = String((cause as { code?: unknown }).code ?? "");
    const known = Object.entries(PROBLEMS).find(([prefix]) => code && code.startsWith(prefix))?.[1];
    if (known) return known;
  }
  return `the database failed: ${error instanceof Error ? error.message : String(error)}`;
}
