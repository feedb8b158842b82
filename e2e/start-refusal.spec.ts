import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { POSTGRES_NOT_YET } from "@/lib/env";
import { freePort, rosterCli, spawnServer, tempDatabase } from "./fixtures/server";

// The server refuses to start on a database it cannot write to (it used to start and then fail
// every change). The file is made read-only for the user the server runs as: as root, which
// ignores file modes, the server runs as `nobody`.

test("the server refuses a read-only database, naming the problem", async () => {
  test.setTimeout(120_000);
  const database = tempDatabase("read-only");
  try {
    rosterCli(database.dbFile, ["migrate"]);
    // The folder stays writable (SQLite keeps its -wal and -shm files there); only the database file is read-only.
    fs.chmodSync(database.dir, 0o777);
    fs.chmodSync(database.dbFile, 0o444);
    const asRoot = process.getuid?.() === 0;
    const { child, output } = spawnServer(await freePort(), database.dbFile, {}, asRoot ? { uid: 65534, gid: 65534 } : undefined);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, output()).toBe(1);
    expect(output()).toContain(`roster: cannot start: the database is read-only (${database.dbFile})`);
  } finally {
    database.remove();
  }
});

test("on a PostgreSQL URL the server says plainly that it serves SQLite only so far", async () => {
  const database = tempDatabase("postgres-url");
  try {
    const { child, output } = spawnServer(await freePort(), database.dbFile, { DATABASE_URL: "postgres://roster:secret@127.0.0.1:9/roster" });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, output()).toBe(1);
    expect(output()).toContain(`roster: ${POSTGRES_NOT_YET}`);
  } finally {
    database.remove();
  }
});
