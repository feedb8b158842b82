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

export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
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
