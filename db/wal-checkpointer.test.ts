import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TEST_DIALECT, tempDatabaseFile } from "@/test/db";
import { holdsWithin } from "@/test/until";
import { openDatabase, sqliteClient, type SqliteDb } from "./client";
import { startWalCheckpointer, type WalCheckpointer } from "./wal-checkpointer";

// What the thread does is seen in the database file: a commit writes its pages to the WAL, and
// only a checkpoint copies them into the file, which then grows.
const fileSize = (file: string) => fs.statSync(file).size;

/** Commits ~8 MB of new pages, in 20 transactions. */
function write(db: SqliteDb): void {
  const client = sqliteClient(db);
  client.exec("create table if not exists filler (n integer primary key, body blob)");
  const insert = client.prepare("insert into filler (body) values (randomblob(4000))");
  for (let t = 0; t < 20; t++) client.transaction(() => Array.from({ length: 100 }, () => insert.run()))();
}

describe.skipIf(TEST_DIALECT !== "sqlite")("startWalCheckpointer", () => {
  const open: { db: SqliteDb; checkpointer: WalCheckpointer | null }[] = [];
  afterEach(async () => {
    for (const { db, checkpointer } of open.splice(0)) {
      await checkpointer?.stop();
      await db.close();
    }
  });

  function start(name: string, withThread: boolean) {
    const file = tempDatabaseFile(name);
    const db = openDatabase(file);
    // The connection's own checkpoints off: whatever reaches the file, the thread copied.
    sqliteClient(db).pragma("wal_autocheckpoint = 0");
    const warnings: string[] = [];
    const checkpointer = withThread ? startWalCheckpointer(db, { busyMs: 5, idleMs: 20, warn: (line) => warnings.push(line) }) : null;
    open.push({ db, checkpointer });
    return { file, db, checkpointer, warnings };
  }

  it("copies the WAL into the database file on its own thread", async () => {
    const { file, db, warnings } = start("wal-thread", true);
    const before = fileSize(file);
    write(db);
    expect(await holdsWithin(() => fileSize(file) > before + 7_000_000, 5000)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it("is what copies it: without the thread, the same writes stay in the WAL", async () => {
    const { file, db } = start("wal-none", false);
    const before = fileSize(file);
    write(db);
    expect(await holdsWithin(() => fileSize(file) > before + 7_000_000, 500)).toBe(false);
  });

  it("copies nothing more once stopped", async () => {
    const { file, db, checkpointer, warnings } = start("wal-stop", true);
    await checkpointer!.stop();
    const before = fileSize(file);
    write(db);
    expect(await holdsWithin(() => fileSize(file) > before + 7_000_000, 500)).toBe(false);
    expect(warnings).toEqual([]);
  });

  it("keeps the process alive until its thread has stopped", () => {
    // The thread alone must not keep a process alive, but stop() must resolve: in a process with
    // nothing else left to wait for (a server's last step of shutting down), it did not, and the
    // process exited before anything after it ran.
    const script = `
      const { openDatabase } = require("./db/client.ts");
      const { startWalCheckpointer } = require("./db/wal-checkpointer.ts");
      const db = openDatabase(${JSON.stringify(tempDatabaseFile("wal-exit"))});
      const checkpointer = startWalCheckpointer(db);
      checkpointer.stop().then(() => db.close()).then(() => console.log("stopped"));`;
    const output = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: process.cwd(), encoding: "utf8", timeout: 20_000 });
    expect(output.trim()).toBe("stopped");
  });

  it("says so and starts none when the thread cannot start (the connections' checkpoints go on)", () => {
    const db = openDatabase(tempDatabaseFile("wal-no-driver"));
    const warnings: string[] = [];
    const cwd = vi.spyOn(process, "cwd").mockReturnValue("/nonexistent");
    try {
      expect(startWalCheckpointer(db, { warn: (line) => warnings.push(line) })).toBeNull();
    } finally {
      cwd.mockRestore();
      void db.close();
    }
    expect(warnings).toEqual([expect.stringContaining("WAL checkpointer not started")]);
  });

  it("starts no thread for an in-memory database", () => {
    const db = openDatabase(":memory:");
    expect(startWalCheckpointer(db)).toBeNull();
    void db.close();
  });
});
