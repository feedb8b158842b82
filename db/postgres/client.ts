import fs from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations-postgres");
// pg_advisory_lock's keys: any constants no other application on the database uses.
const MIGRATION_LOCK = 7_208_315_412_001;
const SETUP_LOCK = 7_208_315_412_002;

/**
 * Applies db/migrations-postgres/ under a session-level advisory lock: instances (and CLI runs)
 * that start at once migrate one after another, and the later ones find nothing left to do.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const session = await pool.connect();
  try {
    await session.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(session), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await session.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    session.release();
  }
}

/**
 * Runs `work` (start-up's migrations, key folding and demo seed; a CLI command's set-up) holding
 * the database's setup lock, so that instances starting at once set it up one after another: the
 * others wait, then find nothing left to do. A session-level advisory lock on a connection of its
 * own, outside the pool: `work` may need every pooled connection (a CLI's pool has one), and the
 * server releases the lock if this process dies.
 */
export async function withPostgresSetupLock<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const session = new pg.Client({ ...pool.options, application_name: "roster setup lock" });
  await session.connect();
  try {
    await session.query("select pg_advisory_lock($1)", [SETUP_LOCK]);
    return await work();
  } finally {
    // Ending the session releases its advisory locks.
    await session.end();
  }
}

type Journal = { entries: { tag: string; when: number }[] };
let journal: Journal | undefined;

/** The migrations of db/migrations-postgres/ the database has not applied (none recorded: all of them). */
export async function pendingPostgresMigrations(pool: pg.Pool): Promise<string[]> {
  journal ??= JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as Journal;
  const exists = await pool.query<{ found: string | null }>("select to_regclass('drizzle.__drizzle_migrations') as found");
  let applied = 0;
  if (exists.rows[0]?.found) {
    const result = await pool.query<{ last: number | null }>("select max(created_at) as last from drizzle.__drizzle_migrations");
    applied = Number(result.rows[0]?.last ?? 0);
  }
  return journal.entries.filter((entry) => entry.when > applied).map((entry) => entry.tag);
}
