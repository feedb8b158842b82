import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";

/**
 * A PostgreSQL server for the tests that need one, where a role may create databases: the one
 * ROSTER_TEST_POSTGRES_URL names, or the machine's own, started by vitest's global setup
 * (scripts/ensure-postgres.mjs). Without one, those tests are skipped, except in CI, where its
 * absence fails them.
 */
export const TEST_POSTGRES_URL = inject("postgresUrl") || undefined;
export const skipWithoutPostgres = !TEST_POSTGRES_URL && !process.env.CI;

/** A new, empty database of this test file's own, dropped afterwards; its URL. */
export async function throwawayPostgres(label: string): Promise<string> {
  if (!TEST_POSTGRES_URL) throw new Error("ROSTER_TEST_POSTGRES_URL is not set (see test/postgres.ts)");
  const name = `roster_test_${label}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  afterAll(async () => {
    const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  });
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
