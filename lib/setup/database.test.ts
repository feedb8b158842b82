import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, sqliteClient, type Db } from "@/db/client";
import { ensureTenant } from "@/db/queries/tenants";
import { listUsers } from "@/db/queries/user-list";
import { foldText } from "@/lib/domain/email";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { searchCopyDiffers } from "@/test/search";
import { readMaintenanceMark } from "@/db/queries/maintenance-marks";
import { prepareDatabase, refoldQueuedUsers, refoldTextKeys } from "./database";
import { keyRule } from "./key-rule";

const MIGRATIONS = path.join(process.cwd(), "db", "migrations");

/** A migrations folder holding only the migrations before the user-list keys (0002). */
function migrationsBeforeKeys(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-migrations-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const entries = journal.entries.slice(
    0,
    journal.entries.findIndex((entry) => entry.tag.startsWith("0002_")),
  );
  fs.mkdirSync(path.join(dir, "meta"));
  fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const entry of entries) fs.copyFileSync(path.join(MIGRATIONS, `${entry.tag}.sql`), path.join(dir, `${entry.tag}.sql`));
  return dir;
}

const people = [
  { id: "u1", email: "emile@old.test", name: "ÉMILE Zoë", code: "ÜBER-1" },
  { id: "u2", email: "ann@old.test", name: "Ann Archer", code: "EMP-2" },
  { id: "u3", email: "jorg@old.test", name: "Jörg Weiß", code: "EMP-3" },
];

// SQLite only: its migration 0003 added the keys to existing users and queued the non-ASCII ones.
// PostgreSQL's schema had the keys from its first migration (the queue is tested on both below).
describe.skipIf(TEST_DIALECT !== "sqlite")("prepareDatabase on a SQLite database that has users from before the search keys", () => {
  const db = openDatabase(":memory:");
  const folder = migrationsBeforeKeys();
  afterAll(() => db.close());
  beforeAll(async () => {
    migrate(drizzle(sqliteClient(db)), { migrationsFolder: folder });
    await db.statement("insert into tenants (id, name, created_at, updated_at) values ('t1', 'Old', 1, 1)").run();
    const insert = db.statement(
      "insert into users (id, tenant_id, email, email_normalized, name, state, unique_code, properties, created_at, updated_at) values (?, 't1', ?, ?, ?, 'active:available', ?, '{}', ?, ?)",
    );
    for (const [i, p] of people.entries()) await insert.run(p.id, p.email, p.email, p.name, p.code, i, i);
    await prepareDatabase(db);
  });
  const list = (query?: string) =>
    listUsers(db, { tenantId: "t1", page: 1, size: 20, query: query === undefined ? undefined : foldText(query), sortKey: "name", sortDirection: "asc" });

  it("stores foldText's keys for every existing user, ASCII or not, and empties the queue", async () => {
    const rows = await db.statement<Record<string, string>>("select name, name_folded, unique_code, unique_code_folded from users order by id").all();
    expect(rows.map((r) => [r.name_folded, r.unique_code_folded])).toEqual(people.map((p) => [foldText(p.name), foldText(p.code)]));
    expect(await db.statement("select count(*) as n from users_to_refold").get()).toEqual({ n: 0 });
  });

  it("counts the existing users and finds them by query", async () => {
    expect(await list()).toMatchObject({ kind: "page", total: 3 });
    for (const [query, id] of [
      ["ZOË", "u1"],
      ["weiss", "u3"],
      ["über", "u1"],
      ["archer", "u2"],
    ]) {
      const result = await list(query);
      expect(result.kind === "page" && result.users.map((u) => u.id), query).toEqual([id]);
    }
    expect(() => sqliteClient(db).prepare("insert into users_search (users_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
    expect(await searchCopyDiffers(db)).toBe(0);
  });

  it("does nothing more when run again", async () => {
    await prepareDatabase(db);
    expect(await list()).toMatchObject({ total: 3 });
  });
});

/** Inserts `people` into the tenant with the folded keys `folded`, as written before foldText ran on them. */
async function insertPeople(db: Db, tenantId: string, folded: string): Promise<string[]> {
  const insert = db.statement(
    "insert into users (id, tenant_id, email, email_normalized, name, name_folded, state, unique_code, unique_code_folded, properties, created_at, updated_at) " +
      "values (?, ?, ?, ?, ?, ?, 'active:available', ?, ?, '{}', 1, 1)",
  );
  for (const p of people) await insert.run(`${tenantId}-${p.id}`, tenantId, p.email, p.email, p.name, folded, p.code, folded);
  return people.map((p) => `${tenantId}-${p.id}`);
}

describe("refoldQueuedUsers", () => {
  const db = createTestDb();

  it("folds the queued users' keys with foldText, which SQL cannot, and takes them off the queue", async () => {
    const { tenant } = await ensureTenant(db, "Queued");
    for (const id of await insertPeople(db, tenant.id, "")) await db.statement("insert into users_to_refold (user_id) values (?)").run(id);
    expect(await refoldQueuedUsers(db)).toBe(3);
    const rows = await db
      .statement<{ name: string; code: string }>("select name_folded as name, unique_code_folded as code from users where tenant_id = ? order by id")
      .all(tenant.id);
    expect(rows).toEqual(people.map((p) => ({ name: foldText(p.name), code: foldText(p.code) })));
    expect(await db.statement("select count(*) as n from users_to_refold").get()).toEqual({ n: 0 });
    expect(await refoldQueuedUsers(db)).toBe(0);
  });
});

describe("refoldTextKeys", () => {
  const db = createTestDb();

  it("refolds every user whose text is not ASCII once the rule or the engine's Unicode changes, and only then", async () => {
    const { tenant } = await ensureTenant(db, "Unicode");
    // Keys as another rule might have folded them; the ASCII user's key is odd on purpose: no rule changes ASCII keys.
    await insertPeople(db, tenant.id, "stale");
    const keys = () =>
      db
        .statement<{ name: string; code: string }>("select name_folded as name, unique_code_folded as code from users where tenant_id = ? order by id")
        .all(tenant.id);

    // The set-up marked the new database with this process's rule: nothing is read again.
    expect(await readMaintenanceMark(db, "text-keys")).toBe(keyRule());
    expect(await refoldTextKeys(db)).toBe(0);
    expect((await keys()).map((row) => row.name)).toEqual(["stale", "stale", "stale"]);

    const upgraded = keyRule("99.0");
    expect(await refoldTextKeys(db, upgraded)).toBe(2);
    expect(await keys()).toEqual([
      { name: foldText("ÉMILE Zoë"), code: foldText("ÜBER-1") },
      { name: "stale", code: "stale" },
      { name: foldText("Jörg Weiß"), code: foldText("EMP-3") },
    ]);
    expect(await readMaintenanceMark(db, "text-keys")).toBe(upgraded);
    expect(await refoldTextKeys(db, upgraded)).toBe(0);
  });
});
