import { openDatabaseUrl, type Db } from "@/db/client";
import { serverEnv, type Env } from "@/lib/env";

// Deliberately no "server-only" guard: the custom server runs the API endpoints outside
// Next.js, and neither better-sqlite3 nor pg can load in a browser bundle anyway.
// One handle per process: the server's bundle and Next's each carry a copy of this module
// (and Next may evaluate it more than once), so the handle lives on globalThis.
const globalForDb = globalThis as unknown as { rosterDb?: Db };

/** Opens the database DATABASE_URL names: the SQLite file, or a pool of DATABASE_POOL_MAX PostgreSQL connections. */
export function openConfiguredDatabase(env: Pick<Env, "DATABASE_URL" | "DATABASE_POOL_MAX">, applicationName = "roster"): Db {
  return openDatabaseUrl(env.DATABASE_URL, { max: env.DATABASE_POOL_MAX, applicationName });
}

export function getDb(): Db {
  globalForDb.rosterDb ??= openConfiguredDatabase(serverEnv());
  return globalForDb.rosterDb;
}

/** Closes the process's handle (shutdown); a later getDb() would open a new one. */
export async function closeDb(): Promise<void> {
  const db = globalForDb.rosterDb;
  globalForDb.rosterDb = undefined;
  await db?.close();
}
