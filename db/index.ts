import "server-only";
import { databasePath, serverEnv } from "@/lib/env";
import { openDatabase, type Db } from "./client";

// One handle per process: Next can evaluate this module more than once (dev reloads,
// several route bundles), so the handle is kept on globalThis rather than in module scope.
const globalForDb = globalThis as unknown as { rosterDb?: Db };

export function getDb(): Db {
  globalForDb.rosterDb ??= openDatabase(databasePath(serverEnv()));
  return globalForDb.rosterDb;
}
