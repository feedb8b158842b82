import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, PostgresDb, type Db } from "@/db/client";
import { TEST_DIALECT } from "@/test/db";
import { throwawayPostgres } from "@/test/postgres";

/** An empty database on the suite's dialect: the driver's own tests need no schema. */
function emptyDb(): Db {
  const db = TEST_DIALECT === "postgres" ? new PostgresDb(throwawayPostgres("driver"), { max: 4 }) : openDatabase(":memory:");
  afterAll(() => db.close());
  return db;
}

/** A promise and the function that settles it: a step the test decides when to take. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** What `promise` has settled to within a moment, or "pending". */
async function settledSoon<T>(promise: Promise<T>): Promise<{ value: T } | "pending"> {
  return Promise.race([promise.then((value) => ({ value })), delay(100).then(() => "pending" as const)]);
}

describe(`the driver on ${TEST_DIALECT}`, () => {
  const db = emptyDb();
  const insert = (name: string) => db.statement("insert into things (name) values (?)").run(name);
  const names = async () => (await db.statement<{ name: string }>("select name from things order by name").all()).map((row) => row.name);

  beforeAll(() => db.exec("create table things (name text primary key, n bigint)"));
  beforeEach(() => db.exec("delete from things"));

  it("commits a transaction's work when it resolves, and rolls all of it back when it throws", async () => {
    await expect(db.transaction(async () => (await insert("kept")).changes, "immediate")).resolves.toBe(1);
    const failing = db.transaction(async () => {
      await insert("lost");
      throw new Error("no");
    }, "immediate");
    await expect(failing).rejects.toThrow("no");
    expect(await names()).toEqual(["kept"]);
  });

  it("nests a transaction as a savepoint: an inner failure undoes only the inner work", async () => {
    await db.transaction(async () => {
      await insert("outer");
      const inner = db.transaction(async () => {
        await insert("inner");
        throw new Error("inner");
      });
      await expect(inner).rejects.toThrow("inner");
      await db.transaction(() => insert("second inner"));
    }, "immediate");
    expect(await names()).toEqual(["outer", "second inner"]);
    await expect(
      db.transaction(async () => {
        await db.transaction(() => insert("committed savepoint"));
        throw new Error("outer");
      }, "immediate"),
    ).rejects.toThrow("outer");
    expect(await names()).toEqual(["outer", "second inner"]);
  });

  it("runs nested transactions begun side by side one after another: savepoints nest, they cannot interleave", async () => {
    const events: string[] = [];
    const nested = (name: string, fail = false) =>
      db.transaction(async () => {
        events.push(`begin ${name}`);
        await insert(name);
        await delay(5);
        events.push(`end ${name}`);
        if (fail) throw new Error(name);
      });
    await db.transaction(async () => {
      const outcomes = await Promise.allSettled([nested("first"), nested("second", true), nested("third")]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    }, "immediate");
    expect(events).toEqual(["begin first", "end first", "begin second", "end second", "begin third", "end third"]);
    expect(await names()).toEqual(["first", "third"]);
  });

  it("keeps a statement the work left running after its transaction ended out of the next transaction", async () => {
    const later = gate();
    let leftRunning: Promise<unknown> = Promise.resolve();
    await db.transaction(async () => {
      await insert("committed");
      // Not awaited: it runs after the commit, still in the transaction's async context.
      leftRunning = later.opened.then(() => insert("left running"));
    }, "immediate");
    const next = db.transaction(async () => {
      await insert("rolled back");
      later.open();
      await delay(50);
      throw new Error("rolled back");
    }, "immediate");
    await expect(next).rejects.toThrow("rolled back");
    await leftRunning;
    expect(await names()).toEqual(["committed", "left running"]);
  });

  it("goes on after a failed statement caught in a savepoint (PostgreSQL aborts the whole transaction otherwise)", async () => {
    await db.transaction(async () => {
      await insert("a");
      await expect(db.transaction(() => insert("a"))).rejects.toThrow();
      await insert("b");
    }, "immediate");
    expect(await names()).toEqual(["a", "b"]);
  });

  it("keeps statements from outside a running transaction out of it: they neither see nor join its work", async () => {
    const inserted = gate();
    const finish = gate();
    const transaction = db.transaction(async () => {
      await insert("inside");
      inserted.open();
      await finish.opened;
      throw new Error("rolled back");
    }, "immediate");
    await inserted.opened;
    const read = names();
    const write = insert("outside");
    if (TEST_DIALECT === "sqlite") {
      // One connection: anything else waits until the transaction has ended.
      expect(await settledSoon(read)).toBe("pending");
      expect(await settledSoon(write)).toBe("pending");
    } else {
      // Another pooled connection: it runs now, and does not see the uncommitted row.
      expect(await settledSoon(read)).toEqual({ value: [] });
      expect(await settledSoon(write)).toEqual({ value: { changes: 1 } });
    }
    finish.open();
    await expect(transaction).rejects.toThrow("rolled back");
    await write;
    expect(await names()).toEqual(["outside"]);
  });

  it.skipIf(TEST_DIALECT !== "sqlite")("serializes concurrent transactions on one SqliteDb (each read-then-write sees the last commit)", async () => {
    await insert("counter");
    const events: string[] = [];
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        db.transaction(async () => {
          events.push(`begin ${n}`);
          const { value } = (await db.statement<{ value: number | null }>("select n as value from things where name = 'counter'").get())!;
          await delay(5);
          await db.statement("update things set n = ? where name = 'counter'").run((value ?? 0) + 1);
          events.push(`end ${n}`);
        }, "immediate"),
      ),
    );
    expect(events).toEqual(["begin 1", "end 1", "begin 2", "end 2", "begin 3", "end 3", "begin 4", "end 4"]);
    expect(await db.statement("select n from things where name = 'counter'").get()).toEqual({ n: 4 });
  });

  it.skipIf(TEST_DIALECT !== "postgres")("runs concurrent transactions side by side, each on its own connection", async () => {
    const backend = async () => (await db.statement<{ pid: number }>("select pg_backend_pid() as pid").get())!.pid;
    const bothInside = [gate(), gate()];
    const pids = await Promise.all(
      [0, 1].map((n) =>
        db.transaction(async () => {
          const pid = await backend();
          bothInside[n]!.open();
          await Promise.all(bothInside.map((g) => g.opened));
          // Every statement of the transaction, a savepoint's too, runs on the connection it holds.
          expect(await db.transaction(backend)).toBe(pid);
          return pid;
        }),
      ),
    );
    expect(pids[0]).not.toBe(pids[1]);
  });

  it.skipIf(TEST_DIALECT !== "postgres")("has the server end a transaction left idle on a connection (a hung instance's row locks)", async () => {
    const setting = await db.statement<{ value: string }>("select current_setting('idle_in_transaction_session_timeout') as value").get();
    expect(setting?.value).toBe("1min");
  });

  it.skipIf(TEST_DIALECT !== "postgres")("compiles no statement just in time (the webhook claim compiled 15-25 ms for 1 ms of work)", async () => {
    const setting = await db.statement<{ value: string }>("select current_setting('jit') as value").get();
    expect(setting?.value).toBe("off");
  });

  it.skipIf(TEST_DIALECT !== "postgres")("keeps the operator's PGOPTIONS beside it", async () => {
    const saved = process.env.PGOPTIONS;
    process.env.PGOPTIONS = "-c statement_timeout=12345";
    const other = new PostgresDb((db as PostgresDb).pool.options.connectionString!, { max: 1 });
    try {
      const settings = "select current_setting('jit') as jit, current_setting('statement_timeout') as timeout";
      expect(await other.statement(settings).get()).toEqual({ jit: "off", timeout: "12345ms" });
    } finally {
      if (saved === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = saved;
      await other.close();
    }
  });

  it("binds ? and @name placeholders, and leaves a ? inside a string alone", async () => {
    await db.statement("insert into things (name, n) values (@name, @n)").run({ name: "named", n: 7 });
    await db.statement("insert into things (name, n) values (?, ?)").run("positional", 8);
    const row = await db.statement("select n, 'why?' as \"what?\" from things where name = @name").get({ name: "named" });
    expect(row).toEqual({ n: 7, "what?": "why?" });
    expect(await db.statement("select name from things where n > ? order by n").all(6)).toEqual([{ name: "named" }, { name: "positional" }]);
  });

  it("counts the rows a statement changed, and runs several statements at once with exec", async () => {
    await db.exec("insert into things (name, n) values ('a', 1); insert into things (name, n) values ('b', 1)");
    expect(await db.statement("update things set n = n + 1 where n = ?").run(1)).toEqual({ changes: 2 });
    expect(await db.statement("delete from things where n = ?").run(9)).toEqual({ changes: 0 });
  });

  it("reads rows the same on both: big integers and sums as numbers, flags as 1/0, JSON as its text", async () => {
    await db.exec(
      TEST_DIALECT === "postgres"
        ? "create table kinds (id text primary key, big bigint, flag boolean not null, doc jsonb, amount numeric)"
        : "create table kinds (id text primary key, big integer, flag integer not null, doc text, amount real)",
    );
    const doc = '{"a": [1, 2], "b": "x"}';
    await db.statement("insert into kinds values (?, ?, ?, ?, ?)").run("one", 2 ** 50, 1, doc, 2.5);
    await db.statement("insert into kinds values (?, ?, false, null, null)").run("two", 5n);
    const rows = await db.statement('select id, big, flag as "isFlagged", doc, amount from kinds order by id').all();
    expect(rows).toEqual([
      { id: "one", big: 2 ** 50, isFlagged: 1, doc, amount: 2.5 },
      { id: "two", big: 5, isFlagged: 0, doc: null, amount: null },
    ]);
    const totals = await db.statement("select count(*) as n, sum(big) as total, true as yes, false as no from kinds where flag = true or big = ?").get(5);
    expect(totals).toEqual({ n: 2, total: 2 ** 50 + 5, yes: 1, no: 0 });
  });

  it("refuses a statement a named value is missing for, on either database", async () => {
    await expect(async () => db.statement("insert into things (name, n) values (@name, @n)").run({ name: "x" })).rejects.toThrow(
      /missing named parameter "n"|no value for @n/i,
    );
    expect(await names()).toEqual([]);
  });
});
