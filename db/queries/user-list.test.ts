import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { postgresPlan, searchCopyDiffers, sqlitePlan } from "@/test/search";
import { foldText } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";
import { sqliteClient, type Db } from "../client";
import { prepared } from "../prepared";
import type { Tenant, User } from "../schema";
import { listStatements, listUsers, MAX_QUERY_MATCHES, searchScope, trigramQuery, USER_SORT_KEYS, type ListUsersInput, type UserSortKey } from "./user-list";
import { createUser } from "./users";

async function page(db: Db, input: Partial<ListUsersInput> & { tenantId: string }) {
  const result = await listUsers(db, { page: 1, size: 100, sortKey: "createdAt", sortDirection: "desc", ...input });
  if (result.kind !== "page") throw new Error(`expected a page, got ${result.kind}`);
  return result;
}

const NAMES = ["ÉMILE Zoë", "Jörg Weiß", "emile ward", "Zed Young", "Ann Archer", "bob Baker", "Ångström Å", "Carla Ñúñez", "dave", "Émile Zola"];
const BASE = 1_700_000_000_000;

/** Code point order, as both databases sort the keys (SQLite's BINARY, PostgreSQL's collate "C"). */
const byCodePoints = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe("listUsers", () => {
  const db = createTestDb();
  let tenant: Tenant;
  let other: Tenant;
  let created: User[];
  let tieA: User;
  let tieB: User;
  let everyone: User[];
  /** What breaks ties of a sort key: SQLite's rowid (insertion order), PostgreSQL's id. */
  let tieBreak: (a: User, b: User) => number;

  beforeAll(async () => {
    tenant = await makeTenant(db);
    other = await makeTenant(db);
    created = [];
    for (const [i, name] of NAMES.entries()) {
      created.push(
        await createUser(
          db,
          { tenantId: tenant.id, ...newUserFields({ email: `Person.${i}@Example.test`, name, uniqueCode: `Code-${(i * 7) % 10}` }) },
          BASE + ((i * 3) % 10) * 1000,
        ),
      );
    }
    await createUser(db, { tenantId: other.id, ...newUserFields({ email: "emile.other@example.test", name: "Émile Other" }) });
    // Two users with the same creation time, so the tie-breaker shows.
    tieA = await createUser(db, { tenantId: tenant.id, ...newUserFields({ email: "tie.a@example.test", name: "Tie" }) }, BASE + 4_000);
    tieB = await createUser(db, { tenantId: tenant.id, ...newUserFields({ email: "tie.b@example.test", name: "Tie" }) }, BASE + 4_000);
    everyone = [...created, tieA, tieB];
    if (TEST_DIALECT === "sqlite") {
      const rows = sqliteClient(db).prepare("select id, rowid as r from users").all() as { id: string; r: number }[];
      const rowidOf = new Map(rows.map((row) => [row.id, row.r]));
      tieBreak = (a, b) => rowidOf.get(a.id)! - rowidOf.get(b.id)!;
    } else tieBreak = (a, b) => byCodePoints(a.id, b.id);
  });

  const sortValue: Record<UserSortKey, (u: User) => string | number> = {
    createdAt: (u) => u.createdAt,
    updatedAt: (u) => u.updatedAt,
    name: (u) => u.nameFolded,
    email: (u) => u.emailNormalized,
    uniqueCode: (u) => u.uniqueCode,
  };
  /** The order the API promises, computed in JavaScript: key (code point order), then the tie-breaker. */
  function expectedOrder(list: User[], key: UserSortKey, dir: "asc" | "desc"): string[] {
    const compare = (a: string | number, b: string | number) => (typeof a === "number" ? a - (b as number) : byCodePoints(a, b as string));
    const sorted = [...list].sort((a, b) => compare(sortValue[key](a), sortValue[key](b)) || tieBreak(a, b));
    return (dir === "asc" ? sorted : sorted.reverse()).map((u) => u.id);
  }

  it("sorts by every key in both directions, the tie-breaker breaking ties, with the tenant's exact total", async () => {
    for (const sortKey of USER_SORT_KEYS) {
      for (const sortDirection of ["asc", "desc"] as const) {
        const result = await page(db, { tenantId: tenant.id, sortKey, sortDirection });
        expect(result.total).toBe(everyone.length);
        expect(
          result.users.map((u) => u.id),
          `${sortKey} ${sortDirection}`,
        ).toEqual(expectedOrder(everyone, sortKey, sortDirection));
      }
    }
    expect((await page(db, { tenantId: other.id })).users.map((u) => u.name)).toEqual(["Émile Other"]);
  });

  it("splits a list into pages without gaps or overlaps", async () => {
    const pages = await Promise.all([1, 2, 3].map((n) => page(db, { tenantId: tenant.id, sortKey: "name", sortDirection: "asc", page: n, size: 5 })));
    expect(pages.flatMap((p) => p.users.map((u) => u.id))).toEqual(expectedOrder(everyone, "name", "asc"));
    expect(pages.map((p) => p.total)).toEqual([12, 12, 12]);
    expect(await page(db, { tenantId: tenant.id, page: 4, size: 5 })).toEqual({ kind: "page", total: 12, users: [] });
  });

  it("finds names with capitals outside ASCII, by any case of them", async () => {
    const found = async (query: string) =>
      (await page(db, { tenantId: tenant.id, query: foldText(query), sortKey: "name", sortDirection: "asc" })).users.map((u) => u.name);
    // Case is folded, accents are kept: "emile" is another name. Code point order: l before ë.
    expect(await found("émile")).toEqual(["Émile Zola", "ÉMILE Zoë"]);
    expect(await found("ÉMILE Z")).toEqual(["Émile Zola", "ÉMILE Zoë"]);
    expect(await found("EMILE")).toEqual(["emile ward"]);
    expect(await found("ZOË")).toEqual(["ÉMILE Zoë"]);
    expect(await found("WEISS")).toEqual(["Jörg Weiß"]);
    expect(await found("weiß")).toEqual(["Jörg Weiß"]);
    expect(await found("ÅNGSTRÖM")).toEqual(["Ångström Å"]);
    expect(await found("ñúñ")).toEqual(["Carla Ñúñez"]);
  });

  it("matches email and unique code too, case-insensitively, as substrings, with the exact total", async () => {
    const query = (text: string) => page(db, { tenantId: tenant.id, query: foldText(text), sortKey: "email", sortDirection: "asc" });
    expect((await query("PERSON.3@")).users.map((u) => u.email)).toEqual(["Person.3@Example.test"]);
    expect((await query("code-4")).users.map((u) => u.uniqueCode)).toEqual(["Code-4"]);
    expect((await query("example.TEST")).total).toBe(12);
    // The trigrams of "son.1@ex" are all present in other rows, but only one row has the substring.
    expect((await query("son.1@ex")).users.map((u) => u.email)).toEqual(["Person.1@Example.test"]);
    expect((await query("zzzz")).total).toBe(0);
    expect((await query('"; drop')).total).toBe(0);
    // LIKE's wildcards (PostgreSQL's search) are plain characters.
    expect((await query("%_%")).total).toBe(0);
  });

  it("pages a query's matches in the asked order", async () => {
    const matches = everyone.filter((u) => u.emailNormalized.includes("person."));
    for (const sortKey of USER_SORT_KEYS) {
      const pages = await Promise.all(
        [1, 2, 3].map((n) => page(db, { tenantId: tenant.id, query: foldText("person."), sortKey, sortDirection: "desc", page: n, size: 4 })),
      );
      expect(
        pages.flatMap((p) => p.users.map((u) => u.id)),
        sortKey,
      ).toEqual(expectedOrder(matches, sortKey, "desc"));
      expect(pages[0]!.total).toBe(10);
    }
  });

  it("counts identities and keeps every column of the user", async () => {
    const [first] = (await page(db, { tenantId: tenant.id, query: foldText("person.0@") })).users;
    expect(first).toEqual({ ...created[0], identitiesCount: 0 });
  });

  it("refuses pages deeper than 10,000 rows and queries under three characters", async () => {
    await expect(listUsers(db, { tenantId: tenant.id, page: 101, size: 100, sortKey: "name", sortDirection: "asc" })).rejects.toThrow(RangeError);
    expect((await page(db, { tenantId: tenant.id, page: 100, size: 100 })).users).toEqual([]);
    await expect(listUsers(db, { tenantId: tenant.id, page: 1, size: 20, query: foldText("zö"), sortKey: "name", sortDirection: "asc" })).rejects.toThrow(
      RangeError,
    );
  });

  it.skipIf(TEST_DIALECT !== "sqlite")("reads every unfiltered page from an index, in order, without a sort or a table scan", () => {
    for (const sortKey of USER_SORT_KEYS) {
      for (const sortDirection of ["asc", "desc"] as const) {
        const { count, page: pageStatement } = listStatements(
          "sqlite",
          { tenantId: tenant.id, page: 100, size: 100, sortKey, sortDirection },
          { tag: tenant.searchTag, dominant: false },
        );
        const detail = sqlitePlan(db, pageStatement);
        expect(detail, `${sortKey} ${sortDirection}`).toMatch(/^SEARCH users USING COVERING INDEX users_tenant_\w+ \(tenant_id=\?\)$/);
        expect(sqlitePlan(db, count)).toMatch(/^SEARCH tenants USING INDEX sqlite_autoindex_tenants_1 \(id=\?\)$/);
      }
    }
  });

  it.skipIf(TEST_DIALECT !== "postgres")("reads every unfiltered page from the index of its order on PostgreSQL, without a sort", async () => {
    // The query plans are in user-list-large.test.ts: on a few users the planner rightly prefers other plans.
    const indexOf: Record<UserSortKey, string> = {
      createdAt: "users_tenant_created_at_id_idx",
      updatedAt: "users_updated_at_order_idx",
      name: "users_tenant_name_folded_id_idx",
      email: "users_tenant_email_c_idx",
      uniqueCode: "users_tenant_unique_code_c_idx",
    };
    for (const sortKey of USER_SORT_KEYS) {
      for (const sortDirection of ["asc", "desc"] as const) {
        const { count, page: pageStatement } = listStatements(
          "postgres",
          { tenantId: tenant.id, page: 100, size: 100, sortKey, sortDirection },
          { tag: tenant.searchTag, dominant: false },
        );
        const detail = (await postgresPlan(db, pageStatement, { indexesOnly: true })).join(" | ");
        // Index-only where the key is not unique (the id is in the index); a unique key's index is not widened for it.
        expect(detail, `${sortKey} ${sortDirection}`).toMatch(
          new RegExp(`^Limit \\| Index (Only )?Scan${sortDirection === "desc" ? " Backward" : ""} ${indexOf[sortKey]}$`),
        );
        expect((await postgresPlan(db, count)).join(" | ")).toMatch(/^Index Scan tenants_pkey$/);
      }
    }
  });

  it.skipIf(TEST_DIALECT !== "sqlite")(
    "answers a query from the trigram index alone: candidates counted on the index, at most MAX_QUERY_MATCHES + 1 rechecked and sorted",
    () => {
      for (const sortKey of USER_SORT_KEYS) {
        const input: ListUsersInput = { tenantId: tenant.id, page: 1, size: 20, query: foldText("émile"), sortKey, sortDirection: "asc" };
        const { candidates, page: pageStatement, count } = listStatements("sqlite", input, { tag: tenant.searchTag, dominant: false });
        const fromIndex = "CO-ROUTINE \\(subquery-\\d+\\) \\| SCAN users_search VIRTUAL TABLE INDEX 0:M\\d+ \\| SCAN \\(subquery-\\d+\\)";
        expect(sqlitePlan(db, candidates!)).toMatch(new RegExp(`^${fromIndex}$`));
        expect(sqlitePlan(db, count)).toMatch(new RegExp(`^${fromIndex}$`));
        // The update time comes from its narrow table, one primary-key lookup per candidate.
        const updatedAt =
          sortKey === "updatedAt" ? " \\| CORRELATED SCALAR SUBQUERY \\d+ \\| SEARCH users_updated_at USING INTEGER PRIMARY KEY \\(rowid=\\?\\)" : "";
        expect(sqlitePlan(db, pageStatement)).toMatch(
          new RegExp(
            `^CO-ROUTINE \\(subquery-\\d+\\) \\| ${fromIndex.replace("M\\d+", `M\\d+${updatedAt}`)} \\| SCAN \\(subquery-\\d+\\) \\| USE TEMP B-TREE FOR ORDER BY$`,
          ),
        );
        for (const statement of [candidates!, pageStatement, count]) expect(statement.args).toContain(MAX_QUERY_MATCHES + 1);
      }
    },
  );

  it("makes an FTS query of the tenant's tag and the term's distinct trigrams, each quoted", () => {
    expect(trigramQuery("\u{F0001}\u{F0002}\u{F0003}", foldText("abcabc"))).toBe('"\u{F0001}\u{F0002}\u{F0003}" AND "abc" AND "bca" AND "cab"');
    expect(trigramQuery("TAG", foldText('a"b"'))).toBe('"TAG" AND "a""b" AND """b"""');
    expect(trigramQuery("TAG", foldText("Zoë"))).toBe('"TAG" AND "zoë"');
    expect(trigramQuery(null, foldText("Zoë"))).toBe('"zoë"');
  });

  it("keeps the trigram index and the user count in step with inserts, renames and deletes", async () => {
    const extra = await createUser(db, { tenantId: tenant.id, ...newUserFields({ email: "late@example.test", name: "Late Comer" }) });
    expect((await page(db, { tenantId: tenant.id, query: foldText("comer") })).users.map((u) => u.id)).toEqual([extra.id]);
    await prepared(db, "update users set name = 'Renamed', name_folded = 'renamed' where id = ?").run(extra.id);
    await prepared(db, "update users set updated_at = 1 where id = ?").run(extra.id);
    const renamed = await page(db, { tenantId: tenant.id, query: foldText("renamed"), sortKey: "updatedAt", sortDirection: "asc" });
    expect(renamed.users.map((u) => u.updatedAt)).toEqual([1]);
    expect((await page(db, { tenantId: tenant.id, sortKey: "updatedAt", sortDirection: "asc" })).users[0]!.id).toBe(extra.id);
    expect((await page(db, { tenantId: tenant.id, query: foldText("comer") })).total).toBe(0);
    expect((await page(db, { tenantId: tenant.id, query: foldText("renamed") })).users.map((u) => u.id)).toEqual([extra.id]);
    expect((await page(db, { tenantId: tenant.id })).total).toBe(13);
    await prepared(db, "delete from users where id = ?").run(extra.id);
    expect((await page(db, { tenantId: tenant.id, query: foldText("renamed") })).total).toBe(0);
    expect((await page(db, { tenantId: tenant.id })).total).toBe(12);
    if (TEST_DIALECT === "sqlite") {
      expect(() => sqliteClient(db).prepare("insert into users_search (users_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
    }
    expect(await searchCopyDiffers(db)).toBe(0);
  });
});

describe("listUsers when the tenant holds nearly every user of the database", () => {
  const db = createTestDb();
  let big: Tenant;
  let other: Tenant;
  const users: User[] = [];
  let input: ListUsersInput;
  beforeAll(async () => {
    big = await makeTenant(db);
    for (const [i, name] of NAMES.entries()) users.push(await createUser(db, { tenantId: big.id, ...newUserFields({ email: `big.${i}@example.test`, name }) }));
    other = await makeTenant(db);
    input = { tenantId: big.id, page: 1, size: 20, query: foldText("ÉMILE"), sortKey: "name", sortDirection: "asc" };
  });

  it("leaves the tag out of the index query at 90% of the users, and still answers exactly", async () => {
    expect(listStatements("sqlite", input, { tag: big.searchTag, dominant: true }).candidates!.args[0]).toBe('"émi" AND "mil" AND "ile"');
    // 10 of 11 users: another tenant's Émile is a candidate, and the recheck leaves it out.
    await createUser(db, { tenantId: other.id, ...newUserFields({ email: "emile@other.test", name: "Émile Other" }) });
    expect(await searchScope(db, big.id)).toEqual({ tag: big.searchTag, dominant: true });
    expect(await searchScope(db, other.id)).toEqual({ tag: other.searchTag, dominant: false });
    const result = await listUsers(db, input);
    expect(result.kind === "page" && result.users.map((u) => u.id)).toEqual([users[9]!.id, users[0]!.id]);
  });

  it("puts the tag back when other tenants hold more than a tenth of the users", async () => {
    await createUser(db, { tenantId: other.id, ...newUserFields({ email: "second@other.test", name: "Second Other" }) });
    expect(await searchScope(db, big.id)).toEqual({ tag: big.searchTag, dominant: false });
    expect(await listUsers(db, input)).toMatchObject({ kind: "page", total: 2 });
  });
});
