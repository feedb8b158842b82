import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, PostgresDb, type Db } from "@/db/client";
import { prepareDatabase } from "@/lib/setup/database";
import { createPostgresDatabase, dropPostgresDatabase, postgresDatabaseName, postgresUrlFor } from "./postgres";

/**
 * Which database the suite's data layer runs on: SQLite unless ROSTER_TEST_DATABASE=postgres
 * (`npm run test:unit:postgres`, part of `npm test`), where every test file gets a throwaway PostgreSQL database.
 */
export const TEST_DIALECT: Db["dialect"] = process.env.ROSTER_TEST_DATABASE === "postgres" ? "postgres" : "sqlite";

/** A fresh, migrated database for one test file (in memory on SQLite), ready in `beforeAll`. */
export function createTestDb(): Db {
  if (TEST_DIALECT === "postgres") {
    const name = postgresDatabaseName("file");
    const db = new PostgresDb(postgresUrlFor(name), { max: 4 });
    beforeAll(async () => {
      await createPostgresDatabase(name);
      await prepareDatabase(db);
    });
    afterAll(async () => {
      await db.close();
      await dropPostgresDatabase(name);
    });
    return db;
  }
  const db = openDatabase(":memory:");
  beforeAll(() => prepareDatabase(db));
  afterAll(() => db.close());
  return db;
}

/** A path for a database file of this test file's own, removed afterwards. */
export function tempDatabaseFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `roster-${name}-`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "roster.db");
}
