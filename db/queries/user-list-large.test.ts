import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { foldText, searchKeys } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";
import { sqliteClient } from "../client";
import { prepared } from "../prepared";
import type { Tenant, User } from "../schema";
import { seedTenant } from "../seed";
import { postgresPlan, searchCopyDiffers } from "@/test/search";
import { USER_COLUMNS, userFromRow, type UserRow } from "./user-directory";
import { listStatements, listUsers, MAX_LIST_DEPTH, MAX_QUERY_MATCHES, type ListUsersInput } from "./user-list";
import { createUser } from "./users";

// A tenant where common terms have more than MAX_QUERY_MATCHES candidates, beside a small tenant
// that shares the trigram index.

describe("listUsers on a tenant searched through the trigram index", () => {
  const db = createTestDb();
  let bigTenantId: string;
  let emile: User;
  let strauss: User;
  let small: Tenant;
  let neighbour: User;
  let bigUsers: User[];

  beforeAll(async () => {
    bigTenantId = (await seedTenant(db, { tenantName: "Big", users: MAX_LIST_DEPTH + 2_000, seed: 3, keys: searchKeys })).tenantId;
    emile = await createUser(db, { tenantId: bigTenantId, ...newUserFields({ email: "e.z@big.example", name: "ÉMILE Zoë", uniqueCode: "ÜBER-1" }) });
    strauss = await createUser(db, { tenantId: bigTenantId, ...newUserFields({ email: "j.s@big.example", name: "Johann Strauß" }) });
    small = await makeTenant(db);
    neighbour = await createUser(db, { tenantId: small.id, ...newUserFields({ email: "emile@small.example", name: "Émile Neighbour" }) });
    bigUsers = (await prepared<UserRow>(db, `select ${USER_COLUMNS} from users where tenant_id = ?`).all(bigTenantId)).map(userFromRow);
    // Statistics, as autovacuum keeps them on a live database: the plans below are the planner's own choice.
    if (TEST_DIALECT === "postgres") await db.exec("analyze users");
  }, 120_000);

  const list = (tenantId: string, query: string, extra: Partial<ListUsersInput> = {}) =>
    listUsers(db, { tenantId, page: 1, size: 100, query: foldText(query), sortKey: "email", sortDirection: "asc", ...extra });
  const matching = (term: string) => bigUsers.filter((u) => [u.emailNormalized, u.nameFolded, u.uniqueCodeFolded].some((key) => key.includes(foldText(term))));
  const byEmail = (a: User, b: User) => Buffer.compare(Buffer.from(a.emailNormalized), Buffer.from(b.emailNormalized));

  it("keeps the tenant's user count exact", async () => {
    expect(await listUsers(db, { tenantId: bigTenantId, page: 1, size: 1, sortKey: "name", sortDirection: "asc" })).toMatchObject({ total: bigUsers.length });
    expect(bigUsers.length).toBe(MAX_LIST_DEPTH + 2_004);
  });

  it("finds Unicode names and codes by any case of them", async () => {
    for (const [query, expected] of [
      ["émile zo", [emile]],
      ["ZOË", [emile]],
      ["STRAUSS", [strauss]],
      ["über-", [emile]],
    ] as const) {
      const result = await list(bigTenantId, query);
      expect(result.kind === "page" && result.users.map((u) => u.id), query).toEqual(expected.map((u) => u.id));
    }
  });

  it("answers a query with at most MAX_QUERY_MATCHES matches with the exact total and every page in order", async () => {
    for (const term of ["0001", "zhang.", "000123"]) {
      const expected = matching(term).sort(byEmail);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThanOrEqual(MAX_QUERY_MATCHES);
      const pages = Math.ceil(expected.length / 100);
      const seen: string[] = [];
      for (let page = 1; page <= pages; page++) {
        const result = await list(bigTenantId, term, { page });
        if (result.kind !== "page") throw new Error(`${term}: ${result.kind}`);
        expect(result.total, term).toBe(expected.length);
        seen.push(...result.users.map((u) => u.id));
      }
      expect(seen, term).toEqual(expected.map((u) => u.id));
    }
  });

  it("says when a query matches more than MAX_QUERY_MATCHES users", async () => {
    expect(matching("big.example").length).toBeGreaterThan(MAX_QUERY_MATCHES);
    expect(await list(bigTenantId, "big.example")).toEqual({ kind: "tooBroad" });
  });

  it("answers exactly MAX_QUERY_MATCHES matches, and refuses one more", async () => {
    const insert = (from: number, to: number) =>
      db.transaction(async () => {
        for (let i = from; i < to; i++) await createUser(db, { tenantId: bigTenantId, ...newUserFields({ email: `bound.${i}@big.test`, name: `Qvwx ${i}` }) });
      }, "immediate");
    await insert(0, MAX_QUERY_MATCHES);
    expect(await list(bigTenantId, "qvwx", { page: 25, size: 100 })).toMatchObject({ kind: "page", total: MAX_QUERY_MATCHES });
    await insert(MAX_QUERY_MATCHES, MAX_QUERY_MATCHES + 1);
    expect(await list(bigTenantId, "qvwx")).toEqual({ kind: "tooBroad" });
    await prepared(db, "delete from users where tenant_id = ? and email like 'bound.%@big.test'").run(bigTenantId);
  });

  it("says so too on SQLite when more than MAX_QUERY_MATCHES users hold the query's trigrams, apart; PostgreSQL counts the matches", async () => {
    // "emp" (every unique code), "mpl" and "ple" (every address at *.example): 12,000 candidates, no match.
    expect(matching("emple")).toEqual([]);
    // SQLite tells "too broad" on its trigram index alone, without reading the candidates;
    // PostgreSQL's GIN index rechecks each candidate on the way to counting the matches.
    expect(await list(bigTenantId, "emple")).toEqual(TEST_DIALECT === "sqlite" ? { kind: "tooBroad" } : { kind: "page", total: 0, users: [] });
  });

  it("counts the matches of a page past the last one", async () => {
    const expected = matching("zhang.").length;
    expect(await list(bigTenantId, "zhang.", { page: 50, size: 100 })).toEqual({ kind: "page", total: expected, users: [] });
  });

  it("answers a small tenant exactly, whatever the big tenant holds", async () => {
    expect(await list(small.id, "emple")).toEqual({ kind: "page", total: 0, users: [] });
    expect(await list(small.id, "big.example")).toEqual({ kind: "page", total: 0, users: [] });
    const result = await list(small.id, "ÉMILE");
    expect(result.kind === "page" && result.users.map((u) => u.id)).toEqual([neighbour.id]);
  });

  it("never returns another tenant's users", async () => {
    const result = await list(bigTenantId, "émile");
    expect(result.kind === "page" && result.users.map((u) => u.id)).toEqual([emile.id]);
  });

  it.skipIf(TEST_DIALECT !== "postgres")("reads pages from the sort index, and sorts only a query's bounded matches, by the planner's own choice", async () => {
    const input = (extra: Partial<ListUsersInput>): ListUsersInput => ({
      tenantId: bigTenantId,
      page: 3,
      size: 100,
      sortKey: "name",
      sortDirection: "asc",
      ...extra,
    });
    const scope = { tag: "", dominant: true };
    const unfiltered = listStatements("postgres", input({}), scope).page;
    expect((await postgresPlan(db, unfiltered)).join(" | ")).toBe("Limit | Index Only Scan users_tenant_name_folded_id_idx");
    // On 12,000 users a scan of the table costs the planner less than the trigram index; on
    // 400,000 it took the index (25 ms for a rare term), while a broad term's scan stops at the limit.
    for (const [tenantId, term] of [
      [bigTenantId, "zhang."],
      [small.id, "big.example"],
    ] as const) {
      const { candidates, page } = listStatements("postgres", input({ tenantId, query: foldText(term) }), scope);
      expect((await postgresPlan(db, candidates!))[1], term).toBe("Limit");
      // The matches are read first, at most MAX_QUERY_MATCHES + 1, and only they are sorted:
      // never the sort index walked and filtered (the whole tenant when matches are rare).
      const plan = await postgresPlan(db, page);
      expect(plan.slice(0, 2), term).toEqual(["Limit", "Limit"]);
      expect(plan.slice(-3), term).toEqual(["Sort", "WindowAgg", "CTE Scan"]);
      if (tenantId === small.id) expect(plan.join(" | ")).not.toMatch(/Seq Scan/);
    }
  });

  it("leaves the trigram index consistent with the users table", async () => {
    if (TEST_DIALECT === "sqlite") {
      expect(() => sqliteClient(db).prepare("insert into users_search (users_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
    }
    expect(await searchCopyDiffers(db)).toBe(0);
  });
});
