import { expect, test, type APIRequestContext } from "@playwright/test";
import { MAX_QUERY_MATCHES } from "@/db/queries/user-list-limits";
import { seedTenant } from "@/db/seed";
import { foldText, searchKeys } from "@/lib/domain/email";
import { createTestTenant, e2eDb, type TestTenant, type TestToken } from "../fixtures/db";
import { usersOfTenant } from "../fixtures/rows";
import { expectOs1Error, expectOs1Ok, os1Headers } from "./jitsudo-os1-support";

// OS1 ListUsers on a tenant of more than 10,000 users (product.md §4, docs/decisions/0013): a
// list goes at most 10,000 rows deep, a query matches at most MAX_QUERY_MATCHES users, and both
// refusals are 400s in the OS1 envelope that say to narrow the list with a (longer) query.

type ListData = { meta: { totalElements: number; totalPages: number; page: number; size: number }; users: { id: string; name?: string }[] };

const GENERATED = 10_050;
let tenant: TestTenant;
let admin: TestToken;
let total: number;

test.beforeAll(async () => {
  tenant = await createTestTenant("os1-big");
  admin = await tenant.addToken();
  await seedTenant(e2eDb(), { tenantName: tenant.tenantName, users: GENERATED, seed: 11, keys: searchKeys });
  await tenant.addUser({ name: "ÉMILE Zoë", email: `emile@${tenant.tenantName}.test` });
  await tenant.addUser({ name: "Johann Strauß", email: `johann@${tenant.tenantName}.test` });
  total = (await usersOfTenant(tenant.tenantId)).length;
});

const get = (request: APIRequestContext, query: string) => request.get(`/api/v1/users${query}`, { headers: os1Headers(admin.token, tenant.tenantId) });
const list = async (request: APIRequestContext, query: string) => (await expectOs1Ok<ListData>(await get(request, query))).data;

test("the whole list: exact total, and every sort order down to row 10,000", async ({ request }) => {
  expect(total).toBe(GENERATED + 2 + 2 + 1); // generated, the vendor-doc users, two named here, the admin
  for (const sortKey of ["createdAt", "updatedAt", "name", "email", "uniqueCode"]) {
    for (const sortBy of ["asc", "desc"]) {
      const deepest = await list(request, `?sortKey=${sortKey}&sortBy=${sortBy}&page=100&size=100`);
      expect(deepest.meta, `${sortKey} ${sortBy}`).toEqual({ totalElements: total, totalPages: Math.ceil(total / 100), page: 100, size: 100 });
      expect(deepest.users).toHaveLength(100);
    }
  }
});

test("past row 10,000: 400 asking for a query", async ({ request }) => {
  for (const query of ["?page=101&size=100", "?page=10001", "?page=10001&size=1&sortKey=name"]) {
    const body = await expectOs1Error(await get(request, query), 400, "BAD_REQUEST");
    expect(body.error!.description, query).toMatch(/at most 10,000 rows deep.*use query to narrow the list/);
  }
});

test("a query matching more than MAX_QUERY_MATCHES users: 400 asking for a narrower query", async ({ request }) => {
  const body = await expectOs1Error(await get(request, `?query=${encodeURIComponent(`@${tenant.tenantName}`)}`), 400, "BAD_REQUEST");
  expect(body.error!.description).toContain(
    `query is too broad: it may match more than ${MAX_QUERY_MATCHES.toLocaleString("en-US")} users; use a longer or more specific query`,
  );
});

test("a query whose letters are everywhere but never together: not a slow answer", async ({ request }) => {
  // "emp" is in every unique code, "mpl" and "ple" in every generated address (…@<tenant>.example).
  const response = await get(request, "?query=emple");
  if (process.env.ROSTER_TEST_DATABASE === "postgres") {
    // PostgreSQL counts real matches (its trigram index rechecks the whole term), so it can answer exactly: none.
    expect(response.status(), await response.text()).toBe(200);
    expect(((await response.json()) as { data: { meta: { totalElements: number } } }).data.meta.totalElements).toBe(0);
    return;
  }
  // SQLite counts its trigram index's candidates: too many to check one by one.
  const body = await expectOs1Error(response, 400, "BAD_REQUEST");
  expect(body.error!.description).toMatch(/query is too broad.*use a longer or more specific query/);
});

test("queries under three characters: 400", async ({ request }) => {
  for (const query of ["ab", " é ", "ß"]) {
    const body = await expectOs1Error(await get(request, `?query=${encodeURIComponent(query)}`), 400, "BAD_REQUEST");
    expect(body.error!.description, query).toMatch(/at least 3 characters/);
  }
});

test("a query with up to MAX_QUERY_MATCHES matches: the exact total, pages in order", async ({ request }) => {
  const term = "0001";
  const expected = (await usersOfTenant(tenant.tenantId))
    .filter((u) => [u.emailNormalized, u.nameFolded, u.uniqueCodeFolded].some((key) => key.includes(term)))
    .sort((a, b) => Buffer.compare(Buffer.from(a.emailNormalized), Buffer.from(b.emailNormalized)));
  expect(expected.length).toBeGreaterThan(100);
  const seen: string[] = [];
  for (let page = 1; page <= Math.ceil(expected.length / 100); page++) {
    const data = await list(request, `?query=${term}&sortKey=email&sortBy=asc&size=100&page=${page}`);
    expect(data.meta.totalElements).toBe(expected.length);
    seen.push(...data.users.map((u) => u.id));
  }
  expect(seen).toEqual(expected.map((u) => `user:${u.id}`));
});

test("names with capitals outside ASCII are found by any case of them", async ({ request }) => {
  for (const [query, name] of [
    ["émile", "ÉMILE Zoë"],
    ["ZOË", "ÉMILE Zoë"],
    ["STRAUSS", "Johann Strauß"],
    ["strauß", "Johann Strauß"],
  ] as const) {
    const data = await list(request, `?query=${encodeURIComponent(query)}&select=name`);
    expect(
      data.users.map((u) => u.name),
      query,
    ).toEqual([name]);
    expect(data.meta.totalElements).toBe(1);
  }
  expect(foldText("STRAUSS")).toBe(foldText("strauß"));
});
