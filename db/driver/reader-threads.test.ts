import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type SqliteDb } from "@/db/client";
import { ReaderThreads } from "./reader-threads";

// SQLite's own: heavy reads on a file database go to reader threads (on PostgreSQL, heavyRead is a statement).
describe("heavy reads on a SQLite file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-readers-"));
  let db: SqliteDb;
  const names = (rows: { name: string }[]) => rows.map((row) => row.name);

  beforeAll(async () => {
    db = openDatabase(path.join(dir, "roster.db"));
    await db.exec("create table things (name text primary key, n integer, note text)");
    await db.statement("insert into things (name, n, note) values (?, ?, ?), (?, ?, ?)").run("a", 1, null, "b", 2, "two");
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers rows as the connection would, column names and values alike", async () => {
    const sql = "select name, n, note, n * 1.5 as scaled from things where name in (?, ?) order by name";
    const here = await db.statement(sql).all("a", "b");
    await expect(db.heavyRead(sql, "a", "b")).resolves.toEqual(here);
    expect(here).toEqual([
      { name: "a", n: 1, note: null, scaled: 1.5 },
      { name: "b", n: 2, note: "two", scaled: 3 },
    ]);
  });

  it("runs on a connection of its own, which cannot write", async () => {
    // The serving connection would insert and return the row.
    await expect(db.heavyRead("insert into things (name) values (?) returning name", "c")).rejects.toMatchObject({ code: "SQLITE_READONLY" });
    expect(names(await db.statement<{ name: string }>("select name from things order by name").all())).toEqual(["a", "b"]);
  });

  it("leaves the event loop free while it runs", async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    // ~200-400 ms of work for SQLite: on the serving thread, no timer could fire meanwhile.
    const [row] = await db.heavyRead<{ total: number }>(
      "with recursive count(i) as (select 1 union all select i + 1 from count where i < ?) select sum(i) as total from count",
      3_000_000,
    );
    clearInterval(timer);
    expect(row?.total).toBe(4_500_001_500_000);
    expect(ticks).toBeGreaterThan(5);
  });

  it("sees what was committed, not a transaction in progress; within a transaction it reads there, writes included", async () => {
    const list = async () => names(await db.heavyRead<{ name: string }>("select name from things order by name"));
    let inserted!: () => void;
    let commit!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    const commitSignal = new Promise<void>((resolve) => (commit = resolve));
    const transaction = db.transaction(async () => {
      await db.statement("insert into things (name) values (?)").run("d");
      expect(await list()).toEqual(["a", "b", "d"]);
      inserted();
      await commitSignal;
    }, "immediate");
    await insertedSignal;
    // From outside the transaction, while it is open: on the serving connection this read would wait for the commit.
    expect(await list()).toEqual(["a", "b"]);
    commit();
    await transaction;
    expect(await list()).toEqual(["a", "b", "d"]);
  });

  it("rejects with SQLite's error for a bad statement, and goes on serving", async () => {
    await expect(db.heavyRead("select name from nowhere")).rejects.toMatchObject({ code: "SQLITE_ERROR", message: expect.stringContaining("no such table") });
    await expect(db.heavyRead<{ name: string }>("select name from things where name = ?", "a")).resolves.toEqual([{ name: "a" }]);
  });
});

describe("reader threads of a file", () => {
  it("start with the first reads, up to their number, end when idle, and start again for the next read", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-readers-"));
    const db = openDatabase(path.join(dir, "roster.db"));
    await db.exec("create table things (name text)");
    const readers = new ReaderThreads(path.join(dir, "roster.db"), { threads: 2, cacheKb: 1_024, idleMs: 300 });
    try {
      expect(readers.size).toBe(0);
      // Three at once: the second starts a second thread, the third waits for the less busy one.
      await Promise.all([1, 2, 3].map((n) => readers.all("select ? as n", [n]) as Promise<unknown[]>));
      expect(readers.size).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(readers.size).toBe(0);
      await expect(readers.all("select ? as n", [4])).resolves.toEqual([{ n: 4 }]);
      expect(readers.size).toBe(1);
    } finally {
      await readers.close();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("reader threads that cannot open their file", () => {
  it("reject the read as the threads' failure, warn, and take no more reads (the caller reads in place)", async () => {
    const warnings: string[] = [];
    const readers = new ReaderThreads(path.join(os.tmpdir(), "roster-no-such-dir", "missing.db"), {
      threads: 1,
      cacheKb: 1_024,
      warn: (line) => warnings.push(line),
    });
    await expect(readers.all("select 1", [])).rejects.toMatchObject({ readerThreadFailure: true });
    expect(readers.all("select 1", [])).toBeNull();
    expect(warnings.join("\n")).toMatch(/reader thread failed/);
    await readers.close();
  });

  it("a database whose threads fail still answers its heavy reads, on its own connection", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-readers-"));
    const db = openDatabase(path.join(dir, "roster.db"));
    await db.exec("create table things (name text)");
    await db.statement("insert into things (name) values (?)").run("kept");
    // The threads' file is gone by the time they open it; the serving connection still holds it open.
    fs.rmSync(dir, { recursive: true, force: true });
    await expect(db.heavyRead<{ name: string }>("select name from things")).resolves.toEqual([{ name: "kept" }]);
    await db.close();
  });
});
