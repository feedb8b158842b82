import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep, setImmediate as turn } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import type { SqliteDb } from "./sqlite";

/** Connections of this process to one new SQLite file, with the busy timeouts given. */
function connections(...busyMs: number[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-write-lock-"));
  const file = path.join(dir, "things.db");
  const opened = busyMs.map((ms) => {
    const db = openDatabase(file);
    db.client.pragma(`busy_timeout = ${ms}`);
    return db;
  });
  opened[0]!.client.exec("create table things (name text primary key)");
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return opened;
}

/** Two connections of this process to one new SQLite file, with `busyMs` as their busy timeout. */
function twoConnections(busyMs: number) {
  const [first, second] = connections(busyMs, busyMs);
  return { first: first!, second: second! };
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

describe("a connection that others keep taking the write turn from", () => {
  const [first, second, third] = connections(5_000, 300, 5_000) as [SqliteDb, SqliteDb, SqliteDb];
  const holdFor = (db: SqliteDb, name: string, ms: number) =>
    db.transaction(async () => {
      await db.statement("insert into things (name) values (?)").run(name);
      await sleep(ms);
    }, "immediate");

  it("fails once its busy timeout has passed since its first wait, not after each wait", async () => {
    const order: string[] = [];
    const started = performance.now();
    const firstHolds = holdFor(first, "first", 200);
    await turn();
    // The third waits before the second, so it takes the turn first when the first gives it back.
    const thirdHolds = holdFor(third, "third", 250).then(() => order.push("the third committed"));
    await turn();
    const refused = second.transaction(() => second.statement("insert into things (name) values ('second')").run(), "immediate");
    await expect(refused).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    order.push("the second was refused");
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await Promise.all([firstHolds, thirdHolds]);
    // At 300 ms (its busy timeout), while the third still held the turn (until ~450 ms). With a
    // timeout for each wait, it would have waited for the first, then the third, and written.
    expect(order).toEqual(["the second was refused", "the third committed"]);
  });
});

describe("a deferred transaction on SQLite", () => {
  const { first } = twoConnections(2_000);
  const count = async () => (await first.statement<{ n: number }>("select count(*) as n from things").get())!.n;

  it("reads, but is refused at its first write and rolled back: it holds no write turn", async () => {
    const before = await count();
    await expect(first.transaction(async () => (await count()) + 1)).resolves.toBe(before + 1);
    const writing = first.transaction(async () => {
      await first.statement("insert into things (name) values ('never')").run();
    });
    await expect(writing).rejects.toThrow('a deferred transaction cannot write on SQLite: begin it "immediate"');
    const nested = first.transaction(() => first.transaction(() => first.statement("insert into things (name) values ('nor this')").run()));
    await expect(nested).rejects.toThrow("cannot write");
    expect(await count()).toBe(before);
  });

  it("writes as a savepoint inside an immediate transaction", async () => {
    const before = await count();
    await first.transaction(() => first.transaction(() => first.statement("insert into things (name) values ('in a savepoint')").run()), "immediate");
    expect(await count()).toBe(before + 1);
  });
});
