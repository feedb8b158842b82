import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { foldText, searchKeys } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";
import { users, type User } from "../schema";
import { seedTenant } from "../seed";
import { searchCopyDiffers } from "@/test/search";
import { listUsers, MAX_LIST_DEPTH, MAX_QUERY_MATCHES, type ListUsersInput } from "./user-list";
import { createUser } from "./users";

// A tenant where common terms have more than MAX_QUERY_MATCHES candidates, beside a small tenant
// that shares the trigram index.

describe("listUsers on a tenant searched through the trigram index", () => {
  const db = createTestDb();
  const big = seedTenant(db, { tenantName: "Big", users: MAX_LIST_DEPTH + 2_000, seed: 3, keys: searchKeys });
  const emile = createUser(db, { tenantId: big.tenantId, ...newUserFields({ email: "e.z@big.example", name: "ÉMILE Zoë", uniqueCode: "ÜBER-1" }) });
  const strauss = createUser(db, { tenantId: big.tenantId, ...newUserFields({ email: "j.s@big.example", name: "Johann Strauß" }) });
  const small = makeTenant(db);
  const neighbour = createUser(db, { tenantId: small.id, ...newUserFields({ email: "emile@small.example", name: "Émile Neighbour" }) });
  const bigUsers = db
    .select()
    .from(users)
    .all()
    .filter((u) => u.tenantId === big.tenantId);

  const list = (tenantId: string, query: string, extra: Partial<ListUsersInput> = {}) =>
    listUsers(db, { tenantId, page: 1, size: 100, query: foldText(query), sortKey: "email", sortDirection: "asc", ...extra });
  const matching = (term: string) => bigUsers.filter((u) => [u.emailNormalized, u.nameFolded, u.uniqueCodeFolded].some((key) => key.includes(foldText(term))));
  const byEmail = (a: User, b: User) => Buffer.compare(Buffer.from(a.emailNormalized), Buffer.from(b.emailNormalized));

  it("keeps the tenant's user count exact", () => {
    expect(listUsers(db, { tenantId: big.tenantId, page: 1, size: 1, sortKey: "name", sortDirection: "asc" })).toMatchObject({ total: bigUsers.length });
    expect(bigUsers.length).toBe(MAX_LIST_DEPTH + 2_004);
  });

  it("finds Unicode names and codes by any case of them", () => {
    for (const [query, expected] of [
      ["émile zo", [emile]],
      ["ZOË", [emile]],
      ["STRAUSS", [strauss]],
      ["über-", [emile]],
    ] as const) {
      const result = list(big.tenantId, query);
      expect(result.kind === "page" && result.users.map((u) => u.id), query).toEqual(expected.map((u) => u.id));
    }
  });

  it("answers a query with at most MAX_QUERY_MATCHES matches with the exact total and every page in order", () => {
    for (const term of ["0001", "zhang.", "000123"]) {
      const expected = matching(term).sort(byEmail);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThanOrEqual(MAX_QUERY_MATCHES);
      const pages = Math.ceil(expected.length / 100);
      const seen: string[] = [];
      for (let page = 1; page <= pages; page++) {
        const result = list(big.tenantId, term, { page });
        if (result.kind !== "page") throw new Error(`${term}: ${result.kind}`);
        expect(result.total, term).toBe(expected.length);
        seen.push(...result.users.map((u) => u.id));
      }
      expect(seen, term).toEqual(expected.map((u) => u.id));
    }
  });

  it("says when a query matches more than MAX_QUERY_MATCHES users", () => {
    expect(matching("big.example").length).toBeGreaterThan(MAX_QUERY_MATCHES);
    expect(list(big.tenantId, "big.example")).toEqual({ kind: "tooBroad" });
  });

  it("answers exactly MAX_QUERY_MATCHES matches, and refuses one more", () => {
    const insert = db.$client.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) createUser(db, { tenantId: big.tenantId, ...newUserFields({ email: `bound.${i}@big.test`, name: `Qvwx ${i}` }) });
    });
    insert(0, MAX_QUERY_MATCHES);
    expect(list(big.tenantId, "qvwx", { page: 25, size: 100 })).toMatchObject({ kind: "page", total: MAX_QUERY_MATCHES });
    insert(MAX_QUERY_MATCHES, MAX_QUERY_MATCHES + 1);
    expect(list(big.tenantId, "qvwx")).toEqual({ kind: "tooBroad" });
    db.$client.prepare("delete from users where email like 'bound.%@big.test'").run();
  });

  it("says so too when more than MAX_QUERY_MATCHES users hold the query's trigrams, apart", () => {
    // "emp" (every unique code), "mpl" and "ple" (every address at *.example): 12,000 candidates, no match.
    expect(matching("emple")).toEqual([]);
    expect(list(big.tenantId, "emple")).toEqual({ kind: "tooBroad" });
  });

  it("counts the matches of a page past the last one", () => {
    const expected = matching("zhang.").length;
    expect(list(big.tenantId, "zhang.", { page: 50, size: 100 })).toEqual({ kind: "page", total: expected, users: [] });
  });

  it("answers a small tenant exactly, whatever the big tenant holds", () => {
    expect(list(small.id, "emple")).toEqual({ kind: "page", total: 0, users: [] });
    expect(list(small.id, "big.example")).toEqual({ kind: "page", total: 0, users: [] });
    const result = list(small.id, "ÉMILE");
    expect(result.kind === "page" && result.users.map((u) => u.id)).toEqual([neighbour.id]);
  });

  it("never returns another tenant's users", () => {
    const result = list(big.tenantId, "émile");
    expect(result.kind === "page" && result.users.map((u) => u.id)).toEqual([emile.id]);
  });

  it("leaves the trigram index consistent with the users table", () => {
    expect(() => db.$client.prepare("insert into users_search (users_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
    expect(searchCopyDiffers(db)).toBe(0);
  });
});
