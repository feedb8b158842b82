import path from "node:path";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema";

export type PostgresDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations-postgres");
// pg_advisory_lock's key for migrations: any constant no other application on the database uses.
const MIGRATION_LOCK = 7_208_315_412_001;

export function openPostgres(url: string, options: { max?: number } = {}): PostgresDb {
  return drizzle(new pg.Pool({ connectionString: url, max: options.max ?? 10 }), { schema }) as PostgresDb;
}

export async function closePostgres(db: PostgresDb): Promise<void> {
  await db.$client.end();
}

/**
 * Applies db/migrations-postgres/ under a session-level advisory lock: instances (and CLI runs)
 * that start at once migrate one after another, and the later ones find nothing left to do.
 */
export async function migratePostgres(db: PostgresDb): Promise<void> {
  const session = await db.$client.connect();
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
