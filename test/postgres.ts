import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { asPostgresAdmin, dropPostgresDatabase as dropAsAdmin } from "./postgres-admin";

/**
 * A PostgreSQL server for the tests that need one, where a role may create databases: the one
 * ROSTER_TEST_POSTGRES_URL names, or the machine's own, started by vitest's global setup
 * (scripts/ensure-postgres.mjs). Without one, those tests are skipped, except in CI, where its
 * absence fails them.
 */
export const TEST_POSTGRES_URL = inject("postgresUrl") || undefined;
export const skipWithoutPostgres = !TEST_POSTGRES_URL && !process.env.CI;

/** A new database name of this test file's own (`roster_test_<label>_<random>`). */
export const postgresDatabaseName = (label: string) => `roster_test_${label}_${randomBytes(4).toString("hex")}`;

export function postgresUrlFor(name: string): string {
  if (!TEST_POSTGRES_URL) throw new Error("ROSTER_TEST_POSTGRES_URL is not set (see test/postgres.ts)");
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function adminUrl(): string {
  if (!TEST_POSTGRES_URL) throw new Error("ROSTER_TEST_POSTGRES_URL is not set (see test/postgres.ts)");
  return TEST_POSTGRES_URL;
}

export const createPostgresDatabase = (name: string) => asPostgresAdmin(adminUrl(), `create database ${name}`);
export const dropPostgresDatabase = (name: string) => dropAsAdmin(adminUrl(), name);

/** A new, empty database of this test file's own, created before its tests and dropped afterwards; its URL. */
export function throwawayPostgres(label: string): string {
  const name = postgresDatabaseName(label);
  beforeAll(() => createPostgresDatabase(name));
  afterAll(() => dropPostgresDatabase(name));
  return postgresUrlFor(name);
}
