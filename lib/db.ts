import { closeDatabase, openDatabase, type Db } from "@/db/client";
import { databasePath, serverEnv } from "@/lib/env";

// Deliberately no "server-only" guard: the custom server runs the API endpoints outside
// Next.js, and better-sqlite3 cannot load in a browser bundle anyway.
// One handle per process: the server's bundle and Next's each carry a copy of this module
// (and Next may evaluate it more than once), so the handle lives on globalThis.
const globalForDb = globalThis as unknown as { rosterDb?: Db };

export function getDb(): Db {
  globalForDb.rosterDb ??= openDatabase(databasePath(serverEnv()));
  return globalForDb.rosterDb;
}

/** Closes the process's handle (shutdown); a later getDb() would open a new one. */
export function closeDb(): void {
  if (globalForDb.rosterDb) closeDatabase(globalForDb.rosterDb);
  globalForDb.rosterDb = undefined;
}
