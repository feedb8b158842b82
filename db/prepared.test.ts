import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { inList, inTransaction, prepared } from "./prepared";

describe("prepared", () => {
  const db = createTestDb();
  const other = createTestDb();

  it("prepares a statement once per connection", async () => {
    const sql = "select 1 as one";
    expect(prepared(db, sql)).toBe(prepared(db, sql));
    expect(prepared(other, sql)).not.toBe(prepared(db, sql));
    expect(await prepared<{ one: number }>(db, sql).get()).toEqual({ one: 1 });
  });

  it("keeps a bounded number of statements per connection, dropping the oldest", () => {
    const first = prepared(db, "select 0 as n");
    for (let n = 1; n <= 600; n += 1) prepared(db, `select ${n} as n`);
    expect(prepared(db, "select 600 as n")).toBe(prepared(db, "select 600 as n"));
    expect(prepared(db, "select 0 as n")).not.toBe(first);
  });
});

describe("inTransaction", () => {
  const db = createTestDb();
  beforeAll(() => db.exec("create table things (name text)"));
  const insert = (name: string) => prepared(db, "insert into things values (?)").run(name);
  const names = async () => (await prepared<{ name: string }>(db, "select name from things order by name").all()).map((row) => row.name);

  it("commits the work, or rolls all of it back when it throws", async () => {
    await inTransaction(db, "immediate", () => insert("kept"));
    await expect(
      inTransaction(db, "immediate", async () => {
        await insert("lost");
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(await names()).toEqual(["kept"]);
  });

  it("nests as a savepoint: an inner failure undoes only the inner work", async () => {
    await inTransaction(db, "immediate", async () => {
      await insert("outer");
      await expect(
        inTransaction(db, "deferred", async () => {
          await insert("inner");
          throw new Error("inner");
        }),
      ).rejects.toThrow("inner");
    });
    expect(await names()).toEqual(["kept", "outer"]);
  });
});

describe("inList", () => {
  it("pads a list to the next power of two with its first value", () => {
    expect(inList(["a"])).toEqual({ sql: "(?)", values: ["a"] });
    expect(inList(["a", "b", "c"])).toEqual({ sql: "(?,?,?,?)", values: ["a", "b", "c", "a"] });
    expect(inList(Array.from({ length: 1_000 }, (_, i) => i)).values).toHaveLength(1_024);
  });
});
