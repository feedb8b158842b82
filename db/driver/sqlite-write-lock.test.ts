import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setImmediate as turn } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";

/** Two connections of this process to one new SQLite file, with `busyMs` as their busy timeout. */
function twoConnections(busyMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-write-lock-"));
  const file = path.join(dir, "two.db");
  const [first, second] = [openDatabase(file), openDatabase(file)];
  for (const db of [first, second]) db.client.pragma(`busy_timeout = ${busyMs}`);
  first.client.exec("create table things (name text primary key)");
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { first, second };
}

/** A promise and the function that settles it: a step the test decides when to take. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

// SQLite's busy handler sleeps on the thread, where the other connection's transaction would have
// to go on: without the process's write turn, the second writer below fails after its busy timeout.
describe("two connections of one process to a SQLite file", () => {
  const { first, second } = twoConnections(2_000);
  const insert = (db: typeof first, name: string) => db.statement("insert into things (name) values (?)").run(name);

  it("take turns to write: the second waits for the first's transaction without blocking the thread", async () => {
    const order: string[] = [];
    const hold = gate();
    const firstWrites = first.transaction(async () => {
      await insert(first, "first");
      order.push("first wrote");
      await hold.opened;
      order.push("first commits");
    }, "immediate");
    await turn();
    const secondTransaction = second.transaction(async () => {
      await insert(second, "second");
      order.push("second wrote");
    }, "immediate");
    const secondStatement = insert(second, "outside").then(() => order.push("second wrote outside a transaction"));
    // The thread is free while the second waits: timers and I/O go on.
    let turns = 0;
    while (turns < 5) {
      await turn();
      turns += 1;
    }
    order.push("the event loop turned");
    hold.open();
    await Promise.all([firstWrites, secondTransaction, secondStatement]);
    expect(order).toEqual(["first wrote", "the event loop turned", "first commits", "second wrote", "second wrote outside a transaction"]);
    const names = (await first.statement<{ name: string }>("select name from things order by name").all()).map((row) => row.name);
    expect(names).toEqual(["first", "outside", "second"]);
  });

  it("lets the other connection read while one writes", async () => {
    const hold = gate();
    const writing = first.transaction(async () => {
      await insert(first, "unseen until committed");
      await hold.opened;
    }, "immediate");
    await turn();
    const read = await second.statement<{ n: number }>("select count(*) as n from things where name = ?").get("unseen until committed");
    expect(read?.n).toBe(0);
    hold.open();
    await writing;
  });
});

describe("a connection kept waiting for its write turn", () => {
  const { first, second } = twoConnections(200);

  it("fails as SQLite would, with SQLITE_BUSY after its busy timeout, and the holder still commits", async () => {
    const hold = gate();
    const firstWrites = first.transaction(async () => {
      await first.statement("insert into things (name) values ('kept')").run();
      await hold.opened;
    }, "immediate");
    await turn();
    await expect(second.transaction(() => second.statement("insert into things (name) values ('refused')").run(), "immediate")).rejects.toMatchObject({
      code: "SQLITE_BUSY",
    });
    await expect(second.statement("insert into things (name) values ('refused too')").run()).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    hold.open();
    await firstWrites;
    expect((await second.statement<{ name: string }>("select name from things").all()).map((row) => row.name)).toEqual(["kept"]);
  });
});
