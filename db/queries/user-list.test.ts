import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { searchCopyDiffers } from "@/test/search";
import { foldText } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";
import type { Db } from "../client";
import type { User } from "../schema";
import { listStatements, listUsers, MAX_QUERY_MATCHES, searchScope, trigramQuery, USER_SORT_KEYS, type ListUsersInput, type UserSortKey } from "./user-list";
import { createUser } from "./users";

function plan(db: Db, statement: { sql: string; args: unknown[] }): string {
  return (db.$client.prepare(`explain query plan ${statement.sql}`).all(...statement.args) as { detail: string }[]).map((row) => row.detail).join(" | ");
}

function page(db: Db, input: Partial<ListUsersInput> & { tenantId: string }) {
  const result = listUsers(db, { page: 1, size: 100, sortKey: "createdAt", sortDirection: "desc", ...input });
  if (result.kind !== "page") throw new Error(`expected a page, got ${result.kind}`);
  return result;
}

const NAMES = ["ÉMILE Zoë", "Jörg Weiß", "emile ward", "Zed Young", "Ann Archer", "bob Baker", "Ångström Å", "Carla Ñúñez", "dave", "Émile Zola"];
const BASE = 1_700_000_000_000;

describe("listUsers", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);
  const other = makeTenant(db);
  const created: User[] = NAMES.map((name, i) =>
    createUser(
      db,
      { tenantId: tenant.id, ...newUserFields({ email: `Person.${i}@Example.test`, name, uniqueCode: `Code-${(i * 7) % 10}` }) },
      BASE + ((i * 3) % 10) * 1000,
    ),
  );
  createUser(db, { tenantId: other.id, ...newUserFields({ email: "emile.other@example.test", name: "Émile Other" }) });
  // Two users with the same creation time, so the tie-breaker shows.
  const tieA = createUser(db, { tenantId: tenant.id, ...newUserFields({ email: "tie.a@example.test", name: "Tie" }) }, BASE + 4_000);
  const tieB = createUser(db, { tenantId: tenant.id, ...newUserFields({ email: "tie.b@example.test", name: "Tie" }) }, BASE + 4_000);
  const everyone = [...created, tieA, tieB];
  const rowidOf = new Map((db.$client.prepare("select id, rowid as r from users").all() as { id: string; r: number }[]).map((row) => [row.id, row.r]));

  const sortValue: Record<UserSortKey, (u: User) => string | number> = {
    createdAt: (u) => u.createdAt,
    updatedAt: (u) => u.updatedAt,
    name: (u) => u.nameFolded,
    email: (u) => u.emailNormalized,
    uniqueCode: (u) => u.uniqueCode,
  };
  /** The order the API promises, computed in JavaScript: key (code point order), then insertion order. */
  function expectedOrder(list: User[], key: UserSortKey, dir: "asc" | "desc"): string[] {
    const compare = (a: string | number, b: string | number) =>
      typeof a === "number" ? a - (b as number) : Buffer.compare(Buffer.from(a), Buffer.from(b as string));
    const sorted = [...list].sort((a, b) => compare(sortValue[key](a), sortValue[key](b)) || rowidOf.get(a.id)! - rowidOf.get(b.id)!);
    return (dir === "asc" ? sorted : sorted.reverse()).map((u) => u.id);
  }

  it("sorts by every key in both directions, rowid breaking ties, with the tenant's exact total", () => {
    for (const sortKey of USER_SORT_KEYS) {
      for (const sortDirection of ["asc", "desc"] as const) {
        const result = page(db, { tenantId: tenant.id, sortKey, sortDirection });
        expect(result.total).toBe(everyone.length);
        expect(
          result.users.map((u) => u.id),
          `${sortKey} ${sortDirection}`,
        ).toEqual(expectedOrder(everyone, sortKey, sortDirection));
      }
    }
    expect(page(db, { tenantId: other.id }).users.map((u) => u.name)).toEqual(["Émile Other"]);
  });

  it("splits a list into pages without gaps or overlaps", () => {
    const pages = [1, 2, 3].map((n) => page(db, { tenantId: tenant.id, sortKey: "name", sortDirection: "asc", page: n, size: 5 }));
    expect(pages.flatMap((p) => p.users.map((u) => u.id))).toEqual(expectedOrder(everyone, "name", "asc"));
    expect(pages.map((p) => p.total)).toEqual([12, 12, 12]);
    expect(page(db, { tenantId: tenant.id, page: 4, size: 5 })).toEqual({ kind: "page", total: 12, users: [] });
  });

  it("finds names with capitals outside ASCII, by any case of them", () => {
    const found = (query: string) => page(db, { tenantId: tenant.id, query: foldText(query), sortKey: "name", sortDirection: "asc" }).users.map((u) => u.name);
    // Case is folded, accents are kept: "emile" is another name. Code point order: l before ë.
    expect(found("émile")).toEqual(["Émile Zola", "ÉMILE Zoë"]);
    expect(found("ÉMILE Z")).toEqual(["Émile Zola", "ÉMILE Zoë"]);
    expect(found("EMILE")).toEqual(["emile ward"]);
    expect(found("ZOË")).toEqual(["ÉMILE Zoë"]);
    expect(found("WEISS")).toEqual(["Jörg Weiß"]);
    expect(found("weiß")).toEqual(["Jörg Weiß"]);
    expect(found("ÅNGSTRÖM")).toEqual(["Ångström Å"]);
    expect(found("ñúñ")).toEqual(["Carla Ñúñez"]);
  });

  it("matches email and unique code too, case-insensitively, as substrings, with the exact total", () => {
    const query = (text: string) => page(db, { tenantId: tenant.id, query: foldText(text), sortKey: "email", sortDirection: "asc" });
    expect(query("PERSON.3@").users.map((u) => u.email)).toEqual(["Person.3@Example.test"]);
    expect(query("code-4").users.map((u) => u.uniqueCode)).toEqual(["Code-4"]);
    expect(query("example.TEST").total).toBe(12);
    // The trigrams of "son.1@ex" are all present in other rows, but only one row has the substring.
    expect(query("son.1@ex").users.map((u) => u.email)).toEqual(["Person.1@Example.test"]);
    expect(query("zzzz").total).toBe(0);
    expect(query('"; drop').total).toBe(0);
  });

  it("pages a query's matches in the asked order", () => {
    const matches = everyone.filter((u) => u.emailNormalized.includes("person."));
    for (const sortKey of USER_SORT_KEYS) {
      const pages = [1, 2, 3].map((n) => page(db, { tenantId: tenant.id, query: foldText("person."), sortKey, sortDirection: "desc", page: n, size: 4 }));
      expect(
        pages.flatMap((p) => p.users.map((u) => u.id)),
        sortKey,
      ).toEqual(expectedOrder(matches, sortKey, "desc"));
      expect(pages[0]!.total).toBe(10);
    }
  });

  it("counts identities and keeps every column of the user", () => {
    const [first] = page(db, { tenantId: tenant.id, query: foldText("person.0@") }).users;
    expect(first).toEqual({ ...created[0], identitiesCount: 0 });
  });

  it("refuses pages deeper than 10,000 rows and queries under three characters", () => {
    expect(() => listUsers(db, { tenantId: tenant.id, page: 101, size: 100, sortKey: "name", sortDirection: "asc" })).toThrow(RangeError);
    expect(page(db, { tenantId: tenant.id, page: 100, size: 100 }).users).toEqual([]);
    expect(() => listUsers(db, { tenantId: tenant.id, page: 1, size: 20, query: foldText("zö"), sortKey: "name", sortDirection: "asc" })).toThrow(RangeError);
  });

  it("reads every unfiltered page from an index, in order, without a sort or a table scan", () => {
    for (const sortKey of USER_SORT_KEYS) {
      for (const sortDirection of ["asc", "desc"] as const) {
        const { count, page: pageStatement } = listStatements(
          { tenantId: tenant.id, page: 100, size: 100, sortKey, sortDirection },
          { tag: tenant.searchTag, dominant: false },
        );
        const detail = plan(db, pageStatement);
        expect(detail, `${sortKey} ${sortDirection}`).toMatch(/^SEARCH users USING COVERING INDEX users_tenant_\w+ \(tenant_id=\?\)$/);
        expect(plan(db, count)).toMatch(/^SEARCH tenants USING INDEX sqlite_autoindex_tenants_1 \(id=\?\)$/);
      }
    }
  });

  it("answers a query from the trigram index alone: candidates counted on the index, at most MAX_QUERY_MATCHES + 1 rechecked and sorted", () => {
    for (const sortKey of USER_SORT_KEYS) {
      const input: ListUsersInput = { tenantId: tenant.id, page: 1, size: 20, query: foldText("émile"), sortKey, sortDirection: "asc" };
      const { candidates, page: pageStatement, count } = listStatements(input, { tag: tenant.searchTag, dominant: false });
      const fromIndex = "CO-ROUTINE \\(subquery-\\d+\\) \\| SCAN users_search VIRTUAL TABLE INDEX 0:M\\d+ \\| SCAN \\(subquery-\\d+\\)";
      expect(plan(db, candidates!)).toMatch(new RegExp(`^${fromIndex}$`));
      expect(plan(db, count)).toMatch(new RegExp(`^${fromIndex}$`));
      // The update time comes from its narrow table, one primary-key lookup per candidate.
      const updatedAt =
        sortKey === "updatedAt" ? " \\| CORRELATED SCALAR SUBQUERY \\d+ \\| SEARCH users_updated_at USING INTEGER PRIMARY KEY \\(rowid=\\?\\)" : "";
      expect(plan(db, pageStatement)).toMatch(
        new RegExp(
          `^CO-ROUTINE \\(subquery-\\d+\\) \\| ${fromIndex.replace("M\\d+", `M\\d+${updatedAt}`)} \\| SCAN \\(subquery-\\d+\\) \\| USE TEMP B-TREE FOR ORDER BY$`,
        ),
      );
      for (const statement of [candidates!, pageStatement, count]) expect(statement.args).toContain(MAX_QUERY_MATCHES + 1);
    }
  });

  it("makes an FTS query of the tenant's tag and the term's distinct trigrams, each quoted", () => {
    expect(trigramQuery("\u{F0001}\u{F0002}\u{F0003}", foldText("abcabc"))).toBe('"\u{F0001}\u{F0002}\u{F0003}" AND "abc" AND "bca" AND "cab"');
    expect(trigramQuery("TAG", foldText('a"b"'))).toBe('"TAG" AND "a""b" AND """b"""');
    expect(trigramQuery("TAG", foldText("Zoë"))).toBe('"TAG" AND "zoë"');
    expect(trigramQuery(null, foldText("Zoë"))).toBe('"zoë"');
  });

  it("keeps the trigram index and the user count in step with inserts, renames and deletes", () => {
    const extra = createUser(db, { tenantId: tenant.id, ...newUserFields({ email: "late@example.test", name: "Late Comer" }) });
    expect(page(db, { tenantId: tenant.id, query: foldText("comer") }).users.map((u) => u.id)).toEqual([extra.id]);
    db.$client.prepare("update users set name = 'Renamed', name_folded = 'renamed' where id = ?").run(extra.id);
    db.$client.prepare("update users set updated_at = 1 where id = ?").run(extra.id);
    expect(page(db, { tenantId: tenant.id, query: foldText("renamed"), sortKey: "updatedAt", sortDirection: "asc" }).users.map((u) => u.updatedAt)).toEqual([
      1,
    ]);
    expect(page(db, { tenantId: tenant.id, query: foldText("comer") }).total).toBe(0);
    expect(page(db, { tenantId: tenant.id, query: foldText("renamed") }).users.map((u) => u.id)).toEqual([extra.id]);
    expect(page(db, { tenantId: tenant.id }).total).toBe(13);
    db.$client.prepare("delete from users where id = ?").run(extra.id);
    expect(page(db, { tenantId: tenant.id, query: foldText("renamed") }).total).toBe(0);
    expect(page(db, { tenantId: tenant.id }).total).toBe(12);
    expect(() => db.$client.prepare("insert into users_search (users_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
    expect(searchCopyDiffers(db)).toBe(0);
  });
});

describe("listUsers when the tenant holds nearly every user of the database", () => {
  const db = createTestDb();
  const big = makeTenant(db);
  const users = NAMES.map((name, i) => createUser(db, { tenantId: big.id, ...newUserFields({ email: `big.${i}@example.test`, name }) }));
  const other = makeTenant(db);
  const input: ListUsersInput = { tenantId: big.id, page: 1, size: 20, query: foldText("ÉMILE"), sortKey: "name", sortDirection: "asc" };

  it("leaves the tag out of the index query at 90% of the users, and still answers exactly", () => {
    expect(listStatements(input, { tag: big.searchTag, dominant: true }).candidates!.args[0]).toBe('"émi" AND "mil" AND "ile"');
    // 10 of 11 users: another tenant's Émile is a candidate, and the recheck leaves it out.
    createUser(db, { tenantId: other.id, ...newUserFields({ email: "emile@other.test", name: "Émile Other" }) });
    expect(searchScope(db, big.id)).toEqual({ tag: big.searchTag, dominant: true });
    expect(searchScope(db, other.id)).toEqual({ tag: other.searchTag, dominant: false });
    const result = listUsers(db, input);
    expect(result.kind === "page" && result.users.map((u) => u.id)).toEqual([users[9]!.id, users[0]!.id]);
  });

  it("puts the tag back when other tenants hold more than a tenth of the users", () => {
    createUser(db, { tenantId: other.id, ...newUserFields({ email: "second@other.test", name: "Second Other" }) });
    expect(searchScope(db, big.id)).toEqual({ tag: big.searchTag, dominant: false });
    expect(listUsers(db, input)).toMatchObject({ kind: "page", total: 2 });
  });
});
