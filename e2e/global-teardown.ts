import { removeE2eSqliteFiles } from "./fixtures/e2e-database";

/**
 * Removes the run's SQLite file, and those that killed runs left, once every spec is done. A
 * PostgreSQL run's database outlives this teardown (Playwright stops the web server after it):
 * scripts/on-postgres.mjs drops it.
 */
export default function globalTeardown() {
  removeE2eSqliteFiles();
}
