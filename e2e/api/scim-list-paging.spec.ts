import { expect, test, type APIRequestContext } from "@playwright/test";
import { prepared } from "@/db/prepared";
import { e2eDb } from "../fixtures/db";
import {
  createScimSetup,
  createUser,
  expectScimError,
  SCIM,
  scimClient,
  scimJson,
  scimResource,
  userBody,
  usersPath,
  type ListResponse,
  type ScimSetup,
} from "../fixtures/scim";

// RFC 7644 §3.4.2.3 (sorting), §3.4.2.4 (pagination: 1-based startIndex, count, totalResults,
// itemsPerPage; count capped by the server and advertised as filter.maxResults), §3.4.2.5
// (attributes / excludedAttributes; `id` is always returned), §3.4.3 (POST /.search).

async function seven(request: APIRequestContext) {
  const setup = await createScimSetup("paging");
  const scim = scimClient(request, setup);
  const families = ["Miller", "Adams", "Young", "Baker", "Garcia", "Nguyen", "Evans"];
  const created = [];
  for (const [index, family] of families.entries()) {
    // Apart in time, so that meta.created orders them as created.
    await new Promise((resolve) => setTimeout(resolve, 3));
    created.push(
      await createUser(
        scim,
        userBody(setup, { userName: `p${index}-${family.toLowerCase()}@${setup.tenant.tenantName}.example`, name: { givenName: "P", familyName: family } }),
      ),
    );
  }
  return { setup, scim, created };
}

const list = async (request: APIRequestContext, setup: ScimSetup, params: Record<string, string | number>) =>
  scimJson<ListResponse>(await scimClient(request, setup).get(usersPath(), { params }), 200);

test.describe("SCIM list: paging", () => {
  test("defaults, startIndex/count windows over one stable order, and the edges", async ({ request }) => {
    const { setup, created } = await seven(request);
    const all = await list(request, setup, {});
    expect(all).toMatchObject({ schemas: [SCIM.listResponse], totalResults: 7, startIndex: 1, itemsPerPage: 7 });
    expect(all.Resources).toHaveLength(7);
    expect(new Set(all.Resources!.map((user) => user.id))).toEqual(new Set(created.map((user) => user.id)));
    const order = all.Resources!.map((user) => user.id);

    const window = await list(request, setup, { startIndex: 3, count: 2 });
    expect(window).toMatchObject({ totalResults: 7, startIndex: 3, itemsPerPage: 2 });
    expect(window.Resources!.map((user) => user.id)).toEqual(order.slice(2, 4));

    // Okta pages with count=100 and startIndex+count until totalResults: pages concatenate to the whole list.
    const pages: string[] = [];
    for (let startIndex = 1; startIndex <= 7; startIndex += 3)
      pages.push(...(await list(request, setup, { startIndex, count: 3 })).Resources!.map((user) => user.id));
    expect(pages).toEqual(order);

    const tail = await list(request, setup, { startIndex: 6, count: 10 });
    expect(tail).toMatchObject({ totalResults: 7, startIndex: 6, itemsPerPage: 2 });
    expect(tail.Resources!.map((user) => user.id)).toEqual(order.slice(5));

    const beyond = await list(request, setup, { startIndex: 50, count: 10 });
    expect(beyond).toMatchObject({ totalResults: 7, startIndex: 50, itemsPerPage: 0 });
    expect(beyond.Resources ?? []).toEqual([]);

    // "A value less than 1 SHALL be interpreted as 1"; "a negative count SHALL be interpreted as 0".
    for (const startIndex of [0, -5]) {
      const clamped = await list(request, setup, { startIndex, count: 2 });
      expect(clamped.startIndex, `startIndex=${startIndex}`).toBe(1);
      expect(clamped.Resources!.map((user) => user.id)).toEqual(order.slice(0, 2));
    }
    for (const count of [0, -3]) {
      const none = await list(request, setup, { count });
      expect(none, `count=${count}`).toMatchObject({ totalResults: 7, itemsPerPage: 0 });
      expect(none.Resources ?? []).toEqual([]);
    }

    const filtered = await list(request, setup, { filter: 'name.familyName sw "N"', startIndex: 1, count: 100 });
    expect(filtered).toMatchObject({ totalResults: 1, itemsPerPage: 1 });

    // Not a number: 400 invalidValue, not a guess.
    const wrong: Record<string, string>[] = [{ startIndex: "first" }, { count: "ten" }, { count: "2.5" }, { sortOrder: "sideways" }];
    for (const params of wrong) {
      await expectScimError(await scimClient(request, setup).get(usersPath(), { params }), 400, "invalidValue");
    }
  });

  test("count is capped at ServiceProviderConfig's filter.maxResults (200), not refused", async ({ request }) => {
    test.setTimeout(120_000);
    const setup = await createScimSetup("paging-cap");
    const scim = scimClient(request, setup);
    const config = await scimJson<{ filter: { maxResults: number } }>(await scim.get("/scim/v2/ServiceProviderConfig"), 200);
    expect(config.filter.maxResults).toBe(200);
    const total = config.filter.maxResults + 3;
    for (let start = 0; start < total; start += 20) {
      await Promise.all(Array.from({ length: Math.min(20, total - start) }, () => createUser(scim, userBody(setup))));
    }

    const capped = await list(request, setup, { count: 500 });
    expect(capped).toMatchObject({ totalResults: total, startIndex: 1, itemsPerPage: config.filter.maxResults });
    expect(capped.Resources).toHaveLength(config.filter.maxResults);
    const rest = await list(request, setup, { startIndex: config.filter.maxResults + 1, count: 500 });
    expect(rest).toMatchObject({ totalResults: total, itemsPerPage: 3 });
    expect(new Set([...capped.Resources!, ...rest.Resources!].map((user) => user.id)).size).toBe(total);
    // The default page (count absent) is 100.
    expect((await list(request, setup, {})).itemsPerPage).toBe(100);
  });
});

test.describe("SCIM list: sorting and projection", () => {
  test("sortBy (any case) and sortOrder", async ({ request }) => {
    const { setup } = await seven(request);
    const familiesOf = (page: ListResponse) => page.Resources!.map((user) => (user.name as { familyName: string }).familyName);
    const sorted = ["Adams", "Baker", "Evans", "Garcia", "Miller", "Nguyen", "Young"];

    expect(familiesOf(await list(request, setup, { sortBy: "name.familyName" }))).toEqual(sorted);
    expect(familiesOf(await list(request, setup, { sortBy: "Name.FamilyName", sortOrder: "ascending" }))).toEqual(sorted);
    expect(familiesOf(await list(request, setup, { sortBy: "name.familyName", sortOrder: "descending" }))).toEqual([...sorted].reverse());

    const byUserName = (await list(request, setup, { sortBy: "USERNAME", sortOrder: "descending" })).Resources!.map((user) => user.userName);
    expect(byUserName).toEqual([...byUserName].sort().reverse());
    expect(byUserName[0]).toMatch(/^p6-/);
    const byCreated = (await list(request, setup, { sortBy: "meta.created" })).Resources!.map((user) => user.userName);
    expect(byCreated.map((name) => name.slice(0, 2))).toEqual(["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
    // Paging applies after sorting.
    expect(familiesOf(await list(request, setup, { sortBy: "name.familyName", startIndex: 2, count: 2 }))).toEqual(["Baker", "Evans"]);
  });

  test("userName sorts and compares in code point order on either database", async ({ request }) => {
    const setup = await createScimSetup("codepoints");
    const scim = scimClient(request, setup);
    const domain = `${setup.tenant.tenantName}.example`;
    for (const local of ["Émile", "zeta", "éclair", "Eve"])
      await createUser(scim, userBody(setup, { userName: `${local}@${domain}`, emails: [{ value: `${local}@${domain}`, primary: true }] }));
    const locals = (page: ListResponse) => page.Resources!.map((user) => user.userName.split("@")[0]);
    // Keys are lower-cased: eve < zeta < éclair < émile by code point (e U+0065, z U+007A, é U+00E9).
    expect(locals(await list(request, setup, { sortBy: "userName" }))).toEqual(["Eve", "zeta", "éclair", "Émile"]);
    expect(locals(await list(request, setup, { sortBy: "userName", sortOrder: "descending" }))).toEqual(["Émile", "éclair", "zeta", "Eve"]);
    expect(locals(await list(request, setup, { filter: 'userName gt "z"', sortBy: "userName" }))).toEqual(["zeta", "éclair", "Émile"]);
    expect(locals(await list(request, setup, { filter: 'userName sw "É"', sortBy: "userName" }))).toEqual(["éclair", "Émile"]);
  });

  test("attributes= returns only those (and id); excludedAttributes= leaves them out (never id)", async ({ request }) => {
    const setup = await createScimSetup("projection");
    const scim = scimClient(request, setup);
    const user = await createUser(
      scim,
      userBody(setup, { schemas: [SCIM.user, SCIM.enterprise], displayName: "Pro Jection", title: "T", [SCIM.enterprise]: { department: "Dept" } }),
    );
    const filter = `userName eq "${user.userName}"`;
    const onlyOne = async (params: Record<string, string>) => (await list(request, setup, { filter, ...params })).Resources![0]!;

    const names = await onlyOne({ attributes: "userName,name.givenName" });
    expect(names.id).toBe(user.id);
    expect(names.userName).toBe(user.userName);
    expect(names.name).toEqual({ givenName: "Given" });
    for (const absent of ["emails", "displayName", "title", "active", SCIM.enterprise]) expect(names, absent).not.toHaveProperty(absent);

    const department = await onlyOne({ attributes: `${SCIM.enterprise}:department` });
    expect(department.id).toBe(user.id);
    expect(department[SCIM.enterprise]).toEqual({ department: "Dept" });
    expect(department).not.toHaveProperty("userName");

    const anyCase = await onlyOne({ attributes: "DISPLAYNAME" });
    expect(anyCase).toMatchObject({ id: user.id, displayName: "Pro Jection" });
    expect(anyCase).not.toHaveProperty("userName");

    const without = await onlyOne({ excludedAttributes: "emails,name,id" });
    expect(without.id).toBe(user.id);
    expect(without).toMatchObject({ userName: user.userName, displayName: "Pro Jection", title: "T" });
    expect(without).not.toHaveProperty("emails");
    expect(without).not.toHaveProperty("name");

    // The same parameters on GET /Users/{id}.
    const single = await scimJson<Record<string, unknown>>(await scim.get(usersPath(user.id), { params: { attributes: "userName" } }), 200);
    expect(single).toMatchObject({ id: user.id, userName: user.userName });
    expect(single).not.toHaveProperty("emails");
    const excluded = await scimJson<Record<string, unknown>>(await scim.get(usersPath(user.id), { params: { excludedAttributes: "title" } }), 200);
    expect(excluded).not.toHaveProperty("title");
    expect(excluded).toMatchObject({ id: user.id, displayName: "Pro Jection" });

    // Without either, the full resource comes back (the projection does not change the version).
    expect((await scimResource(await scim.get(usersPath(user.id)))).meta.version).toBe(user.meta.version);
  });

  test("POST /Users/.search pages, sorts and projects like GET", async ({ request }) => {
    const { setup } = await seven(request);
    const scim = scimClient(request, setup);
    const response = await scim.post(`${usersPath()}/.search`, {
      schemas: [SCIM.searchRequest],
      sortBy: "name.familyName",
      sortOrder: "descending",
      startIndex: 2,
      count: 3,
      attributes: ["name.familyName"],
    });
    const page = await scimJson<ListResponse>(response, 200);
    expect(page).toMatchObject({ schemas: [SCIM.listResponse], totalResults: 7, startIndex: 2, itemsPerPage: 3 });
    expect(page.Resources!.map((user) => user.name)).toEqual([{ familyName: "Nguyen" }, { familyName: "Miller" }, { familyName: "Garcia" }]);
    for (const user of page.Resources!) expect(user).not.toHaveProperty("userName");
  });
});

// Attacker's side (ADR 0017, Limits): a list that would sort, or test row by row, more users than
// MAX_CANDIDATES holds the server's thread for seconds on a large provider; it is refused instead.
test("a provider of more than 50,000 users: sortBy and row-by-row filters are refused as tooMany; lookups and paging answer", async ({ request }) => {
  const setup = await createScimSetup("too-many");
  const scim = scimClient(request, setup);
  const user = await createUser(scim, userBody(setup));
  // 50,001 more identities of the provider (all linked to one user: what counts is how many a list reads).
  await prepared(
    e2eDb(),
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < 50001)
     insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, external_username, linked_by, username_key, created_at, updated_at)
     select cast(? as text) || '-' || i, ?, ?, ?, 'bulk-' || i, 'bulk-' || i, 'scim', 'bulk-' || i, 0, 0 from n`,
  ).run(setup.providerId, setup.tenant.tenantId, user.id, setup.providerId);

  const refusedLists: Record<string, string>[] = [
    { sortBy: "name.familyName" },
    { sortBy: "userName", filter: 'userName sw "bulk-"' },
    { filter: "active eq true" },
    { filter: 'emails.value co "nothing"' },
    { filter: 'userName sw "bulk-" and active eq true' },
  ];
  for (const params of refusedLists) {
    const refused = await scimClient(request, setup).get(usersPath(), { params });
    await expectScimError(refused, 400, "tooMany");
    expect((await refused.json()).detail, JSON.stringify(params)).toContain("50,000 users");
  }
  // A POST /.search is the same list.
  await expectScimError(await scim.post(`${usersPath()}/.search`, { schemas: [SCIM.searchRequest], sortBy: "displayName" }), 400, "tooMany");

  expect((await list(request, setup, { filter: 'userName eq "bulk-7"' })).totalResults).toBe(1);
  const prefix = await list(request, setup, { filter: 'userName sw "bulk-1234"', sortBy: "userName", sortOrder: "descending" });
  expect(prefix.totalResults).toBe(11);
  expect(prefix.Resources!.map((resource) => resource.userName).slice(0, 2)).toEqual(["bulk-12349", "bulk-12348"]);
  const deep = await list(request, setup, { startIndex: 50_001, count: 5 });
  expect({ total: deep.totalResults, items: deep.itemsPerPage }).toEqual({ total: 50_002, items: 2 });
});
