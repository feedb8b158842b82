import { databasePath, serverEnv } from "@/lib/env";
import { openDatabase, type Db } from "./client";

// Deliberately no "server-only" guard: server/api-dispatch.ts runs the API route modules
// outside Next.js, and better-sqlite3 cannot load in a browser bundle anyway.
// One handle per process: Next can evaluate this module more than once (dev reloads,
// several route bundles), so the handle is kept on globalThis rather than in module scope.
const globalForDb = globalThis as unknown as { rosterDb?: Db };

export function getDb(): Db {
  globalForDb.rosterDb ??= openDatabase(databasePath(serverEnv()));
  return globalForDb.rosterDb;
}
