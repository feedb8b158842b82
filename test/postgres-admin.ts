import pg from "pg";

// Creating and dropping throwaway databases as a role that may create them: shared by vitest's
// helpers (test/postgres.ts) and the Playwright fixtures (e2e/fixtures/), so no vitest import here.

/** Runs `work` on a connection of its own as `adminUrl`'s role (create/drop database cannot run in a pool's transaction). */
export async function withPostgresAdmin(adminUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Runs one statement as `adminUrl`'s role (see withPostgresAdmin). */
export function asPostgresAdmin(adminUrl: string, sql: string): Promise<void> {
  return withPostgresAdmin(adminUrl, async (client) => void (await client.query(sql)));
}

/**
 * Drops a database of ours. `with (force)` ends the connections left behind (a SIGKILLed server's,
 * a server Playwright stops after its teardown), but the role may not end an autovacuum worker that
 * has just started on it ("must be a member of the role whose process is being terminated",
 * 42501): that one finishes (within moments on a test's database, a minute or more on a
 * benchmark's million users just changed), so try again for up to three minutes.
 */
export async function dropPostgresDatabase(adminUrl: string, name: string): Promise<void> {
  const giveUpAt = Date.now() + 180_000;
  for (;;) {
    try {
      return await asPostgresAdmin(adminUrl, `drop database if exists ${name} with (force)`);
    } catch (error) {
      if (Date.now() >= giveUpAt || (error as { code?: string }).code !== "42501") throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
