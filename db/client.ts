import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { prepared } from "./prepared";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/** Opens (creating if needed) a SQLite file with the settings Roster relies on. */
export function openDatabase(filePath: string): Db {
  if (filePath !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
  const sqlite = new Database(filePath);
  // WAL lets the console read while a writer works; the busy timeout makes concurrent
  // writers (server and CLI on one file) wait instead of failing with SQLITE_BUSY.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return drizzle(sqlite, { schema }) as Db;
}

/**
 * Runs `work` (migrations, the demo seed) while holding the database's setup lock, so that
 * instances starting at once set the database up one after another: the others wait, then find
 * nothing left to do. The lock is a write transaction held open on a small file beside the
 * database (`<file>.setup-lock`), so the operating system releases it if the process dies.
 */
export async function withSetupLock<T>(filePath: string, work: () => Promise<T> | T, warn: (line: string) => void = console.warn): Promise<T> {
  if (filePath === ":memory:") return work();
  let lock: Database.Database | null = null;
  try {
    lock = new Database(`${filePath}.setup-lock`);
    // Long enough for another instance's first start: migrations and the demo seed.
    lock.pragma("busy_timeout = 300000");
    lock.exec("BEGIN IMMEDIATE");
  } catch (error) {
    lock?.close();
    const code = String((error as { code?: unknown }).code ?? "");
    if (!code.startsWith("SQLITE_READONLY") && !code.startsWith("SQLITE_CANTOPEN")) throw error;
    // Someone else's lock file, or a read-only folder: go on without taking turns (the database's
    // own checks name what is wrong with it, if anything).
    warn(`roster: cannot take the setup lock ${filePath}.setup-lock (${code}); setting up without it`);
    return work();
  }
  try {
    return await work();
  } finally {
    if (lock.inTransaction) lock.exec("ROLLBACK");
    lock.close();
  }
}

export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

type Journal = { entries: { tag: string; when: number }[] };
let journal: Journal | undefined;

/**
 * The migrations in this build that the database has not applied (drizzle records each applied
 * one's journal time): non-empty when an older instance or a failed start left the schema behind.
 */
export function pendingMigrations(db: Db): string[] {
  journal ??= JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as Journal;
  const applied = prepared<{ last: number | null }>(db, "select max(created_at) as last from __drizzle_migrations").get()?.last ?? 0;
  return journal.entries.filter((entry) => entry.when > applied).map((entry) => entry.tag);
}

/**
 * Copies the live database to `file` with SQLite's online backup: consistent while other
 * connections keep writing (a plain file copy can miss what is still in the WAL).
 */
export async function backupDatabase(db: Db, file: string): Promise<{ pages: number }> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const { totalPages } = await db.$client.backup(file);
  return { pages: totalPages };
}

export function closeDatabase(db: Db): void {
  if (db.$client.open) db.$client.close();
}

const PROBLEMS: Record<string, string> = {
  SQLITE_READONLY: "the database is read-only",
  SQLITE_FULL: "the database or its disk is full",
  SQLITE_CANTOPEN: "the database file cannot be opened",
  SQLITE_IOERR: "the database cannot be read or written (I/O error)",
};

/**
 * Whether the database answers reads and takes a write: a read-only file or a full disk let
 * reads through while every change fails, so a health check that only reads would say "ok".
 */
export function checkDatabase(db: Db, now = Date.now()): { ok: true; journalMode: string } | { ok: false; error: string } {
  try {
    prepared(db, "select 1").get();
    prepared(db, "insert into health_checks (id, checked_at) values (1, ?) on conflict (id) do update set checked_at = excluded.checked_at").run(now);
    return { ok: true, journalMode: String(db.$client.pragma("journal_mode", { simple: true })) };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? "");
    const known = Object.entries(PROBLEMS).find(([prefix]) => code.startsWith(prefix))?.[1];
    return { ok: false, error: known ?? `the database failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A transaction handle; query functions that may run inside a caller's transaction accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Queryable = Db | Tx;
