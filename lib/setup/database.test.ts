import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "@/db/client";
import { listUsers } from "@/db/queries/user-list";
import { foldText } from "@/lib/domain/email";
import { searchCopyDiffers } from "@/test/search";
import { prepareDatabase } from "./database";

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

describe("prepareDatabase on a database that has users from before the search keys", () => {
  const db = openDatabase(":memory:");
  afterAll(() => closeDatabase(db));
  migrate(db, { migrationsFolder: migrationsBeforeKeys() });
  db.$client.prepare("insert into tenants (id, name, created_at, updated_at) values ('t1', 'Old', 1, 1)").run();
  const insert = db.$client.prepare(
    "insert into users (id, tenant_id, email, email_normalized, name, state, unique_code, properties, created_at, updated_at) values (?, 't1', ?, ?, ?, 'active:available', ?, '{}', ?, ?)",
  );
  const people = [
    { id: "u1", email: "emile@old.test", name: "ÉMILE Zoë", code: "ÜBER-1" },
    { id: "u2", email: "ann@old.test", name: "Ann Archer", code: "EMP-2" },
    { id: "u3", email: "jorg@old.test", name: "Jörg Weiß", code: "EMP-3" },
  ];
  people.forEach((p, i) => insert.run(p.id, p.email, p.email, p.name, p.code, i, i));
  prepareDatabase(db);

  it("stores foldText's keys for every existing user, ASCII or not, and empties the queue", () => {
    const rows = db.$client.prepare("select name, name_folded, unique_code, unique_code_folded from users order by id").all() as Record<string, string>[];
    expect(rows.map((r) => [r.name_folded, r.unique_code_folded])).toEqual(people.map((p) => [foldText(p.name), foldText(p.code)]));
    expect(db.$client.prepare("select count(*) as n from users_to_refold").get()).toEqual({ n: 0 });
  });

  it("counts the existing users and finds them by query", () => {
    const list = (query?: string) =>
      listUsers(db, { tenantId: "t1", page: 1, size: 20, query: query === undefined ? undefined : foldText(query), sortKey: "name", sortDirection: "asc" });
    expect(list()).toMatchObject({ kind: "page", total: 3 });
    for (const [query, id] of [
      ["ZOË", "u1"],
      ["weiss", "u3"],
      ["über", "u1"],
      ["archer", "u2"],
    ]) {
      const result = list(query);
      expect(result.kind === "page" && result.users.map((u) => u.id), query).toEqual([id]);
    }
    expect(() => db.$client.prepare("insert into users_search (users_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
    expect(searchCopyDiffers(db)).toBe(0);
  });

  it("does nothing more when run again", () => {
    prepareDatabase(db);
    expect(listUsers(db, { tenantId: "t1", page: 1, size: 20, sortKey: "name", sortDirection: "asc" })).toMatchObject({ total: 3 });
  });
});
