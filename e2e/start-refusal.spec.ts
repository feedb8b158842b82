import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { freePort, ON_POSTGRES, ownDatabase, rosterCli, spawnServer } from "./fixtures/server";

// The server refuses to start on a database it cannot use (it used to start and then fail every
// change), naming the problem and the database (a PostgreSQL URL without its password).

async function refusal(databaseUrl: string, user?: { uid: number; gid: number }): Promise<string> {
  const { child, output } = spawnServer(await freePort(), databaseUrl, {}, user);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code, output()).toBe(1);
  return output();
}

/** A PostgreSQL URL as the server names it: the password masked. */
const masked = (url: string) => {
  const named = new URL(url);
  if (named.password) named.password = "***";
  return named.toString();
};

test("the server refuses a read-only database file, naming the problem", async () => {
  test.skip(ON_POSTGRES, "about a SQLite file's mode; the PostgreSQL counterpart follows");
  test.setTimeout(120_000);
  const database = await ownDatabase("read-only");
  try {
    await rosterCli(database.url, ["migrate"]);
    // The file is made read-only for the user the server runs as: as root, which ignores file
    // modes, the server runs as `nobody`. The folder stays writable (SQLite keeps its -wal and
    // -shm files there); only the database file is read-only.
    fs.chmodSync(database.dir, 0o777);
    fs.chmodSync(database.dbFile!, 0o444);
    const asRoot = process.getuid?.() === 0;
    expect(await refusal(database.url, asRoot ? { uid: 65534, gid: 65534 } : undefined)).toContain(
      `roster: cannot start: the database is read-only (${database.dbFile})`,
    );
  } finally {
    await database.remove();
  }
});

test("the server refuses a read-only PostgreSQL database, naming it without the password", async () => {
  test.skip(!ON_POSTGRES, "PostgreSQL only (ROSTER_TEST_DATABASE=postgres)");
  test.setTimeout(120_000);
  const database = await ownDatabase("read-only");
  try {
    await rosterCli(database.url, ["migrate"]);
    // Every transaction of a new session is read-only, as on a hot standby.
    const name = new URL(database.url).pathname.slice(1);
    await database.db().exec(`alter database ${name} set default_transaction_read_only = on`);
    const output = await refusal(database.url);
    expect(output).toContain(`roster: cannot start: the database is read-only (${masked(database.url)})`);
    expect(output).not.toContain(`:${new URL(database.url).password}@`);
  } finally {
    await database.remove();
  }
});

test("the server refuses a PostgreSQL database that does not exist, naming it without the password", async () => {
  test.skip(!ON_POSTGRES, "needs a PostgreSQL server (ROSTER_TEST_DATABASE=postgres)");
  const database = await ownDatabase("missing");
  const url = new URL(database.url);
  await database.remove();
  const output = await refusal(url.toString());
  expect(output).toContain(`roster: cannot start: the database does not exist on the server (${masked(url.toString())})`);
  expect(output).not.toContain(`:${url.password}@`);
});

test("the server refuses a PostgreSQL server it cannot reach, naming it without the password", async () => {
  // Nothing listens on port 9 (discard): the connection is refused at once. No database of the run's is needed.
  const output = await refusal("postgres://roster:secret@127.0.0.1:9/roster");
  expect(output).toContain("roster: cannot start: the database server refuses connections (postgres://roster:***@127.0.0.1:9/roster)");
  expect(output).not.toContain("secret");
});
