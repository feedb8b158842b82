import { afterAll, beforeAll } from "vitest";
import { openDatabase, PostgresDb, type Db } from "@/db/client";
import { prepareDatabase } from "@/lib/setup/database";
import { tempDatabaseFile, TEST_DIALECT } from "./db";
import { throwawayPostgres } from "./postgres";

/**
 * Two handles on one database (a file on SQLite), standing for two server processes that share
 * it; migrated in `beforeAll`, like createTestDb(). `label`: letters, digits and underscores (it
 * names a PostgreSQL database).
 */
export function twoProcessDatabases(label: string): [Db, Db] {
  let handles: [Db, Db];
  if (TEST_DIALECT === "postgres") {
    const url = throwawayPostgres(label);
    handles = [new PostgresDb(url, { max: 4 }), new PostgresDb(url, { max: 4 })];
  } else {
    const file = tempDatabaseFile(label);
    handles = [openDatabase(file), openDatabase(file)];
  }
  beforeAll(() => prepareDatabase(handles[0]));
  afterAll(async () => {
    for (const db of handles) await db.close();
  });
  return handles;
}
