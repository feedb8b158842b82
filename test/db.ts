import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { closeDatabase, openDatabase, type Db } from "@/db/client";
import { prepareDatabase } from "@/lib/setup/database";

/** A fresh, migrated in-memory database for one test file. */
export function createTestDb(): Db {
  const db = openDatabase(":memory:");
  prepareDatabase(db);
  afterAll(() => closeDatabase(db));
  return db;
}

/** A path for a database file of this test file's own, removed afterwards. */
export function tempDatabaseFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `roster-${name}-`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "roster.db");
}
