import { expect, test, type APIRequestContext } from "@playwright/test";
import {
  createScimSetup,
  createUser,
  expectScimError,
  identitiesOfProvider,
  patchAndRead,
  patchOp,
  SCIM,
  scimClient,
  scimJson,
  userBody,
  usersPath,
  type ListResponse,
  type ScimClient,
  type ScimSetup,
} from "../fixtures/scim";

// RFC 7644 §3.4.2.2: every operator, logical operators and grouping, value paths, case-insensitive
// attribute names and operators, full URNs; an unusable filter is 400 invalidFilter.

type Directory = { setup: ScimSetup; domain: string; ids: Record<"alice" | "bob" | "carol" | "dave", string>; between: string };

// Built once per worker: four users, Dave created after `between` (for the date comparisons). Each
// test gets a client of its own request context (a context ends with its test).
let directory: Directory | undefined;
async function theDirectory(request: APIRequestContext): Promise<Directory & { scim: ScimClient }> {
  if (directory) return { ...directory, scim: scimClient(request, directory.setup) };
  const setup = await createScimSetup("filter");
  const scim = scimClient(request, setup);
  const domain = `${setup.tenant.tenantName}.example`;
  const person = (local: string, given: string, family: string, extra: Record<string, unknown> = {}) =>
    userBody(setup, {
      userName: `${local}@${domain}`,
      name: { givenName: given, familyName: family },
      displayName: `${given} ${family}`,
      emails: [{ value: `${local}@${domain}`, type: "work", primary: true }],
      ...extra,
    });
  const alice = await createUser(
    scim,
    person("alice.anders", "Alice", "Anders", {
      externalId: "ext-A1",
      emails: [
        { value: `alice.anders@${domain}`, type: "work", primary: true },
        { value: "alice@home.example", type: "home" },
      ],
    }),
  );
  const bob = await createUser(scim, person("bob.baker", "Bob", "Baker", { externalId: "ext-B2", active: false }));
  const carol = await createUser(scim, person("carol.clark", "Carol", "Clark"));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const between = new Date(Date.now() - 10).toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const dave = await createUser(scim, person("dave.anders", "Dave", "Anders", { externalId: "EXT-d4" }));
  directory = { setup, domain, ids: { alice: alice.id, bob: bob.id, carol: carol.id, dave: dave.id }, between };
  return { ...directory, scim };
}

async function matching(request: APIRequestContext, filter: string): Promise<string[]> {
  const { scim, ids } = await theDirectory(request);
  const list = await scimJson<ListResponse>(await scim.get(usersPath(), { params: { filter } }), 200);
  const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  expect(list.totalResults, filter).toBe(list.Resources?.length ?? 0);
  return (list.Resources ?? []).map((resource) => byId.get(resource.id) ?? resource.id).sort();
}

test.describe("SCIM filters", () => {
  test("every operator on userName (case-insensitive values)", async ({ request }) => {
    const { domain } = await theDirectory(request);
    const cases: [string, string[]][] = [
      [`userName eq "ALICE.ANDERS@${domain.toUpperCase()}"`, ["alice"]],
      [`userName ne "alice.anders@${domain}"`, ["bob", "carol", "dave"]],
      [`userName co "ANDERS"`, ["alice", "dave"]],
      [`userName sw "Bob."`, ["bob"]],
      [`userName ew "CLARK@${domain}"`, ["carol"]],
      [`userName pr`, ["alice", "bob", "carol", "dave"]],
      [`userName gt "c"`, ["carol", "dave"]],
      [`userName ge "carol.clark@${domain}"`, ["carol", "dave"]],
      [`userName lt "bob"`, ["alice"]],
      [`userName le "bob.baker@${domain}"`, ["alice", "bob"]],
    ];
    for (const [filter, expected] of cases) expect(await matching(request, filter), filter).toEqual(expected);
  });

  test("externalId (case-exact), emails, name parts, displayName, id and active", async ({ request }) => {
    const { domain, ids } = await theDirectory(request);
    const cases: [string, string[]][] = [
      [`externalId eq "ext-A1"`, ["alice"]],
      [`externalId eq "EXT-A1"`, []],
      [`externalId sw "ext-"`, ["alice", "bob"]],
      [`externalId pr`, ["alice", "bob", "dave"]],
      [`not (externalId pr)`, ["carol"]],
      [`emails.value eq "alice@home.example"`, ["alice"]],
      [`emails.value eq "CAROL.CLARK@${domain}"`, ["carol"]],
      [`emails.value co "@home.example"`, ["alice"]],
      [`emails.value sw "dave."`, ["dave"]],
      [`emails[type eq "work"].value eq "alice.anders@${domain}"`, ["alice"]],
      [`emails[type eq "home"].value eq "alice.anders@${domain}"`, []],
      [`emails[type eq "home" and value co "home"]`, ["alice"]],
      [`emails[type eq "work" and value ew "clark@${domain}"]`, ["carol"]],
      [`name.familyName eq "anders"`, ["alice", "dave"]],
      [`name.givenName sw "Ca"`, ["carol"]],
      [`name.givenName ew "OB"`, ["bob"]],
      [`name.familyName pr`, ["alice", "bob", "carol", "dave"]],
      [`displayName eq "bob baker"`, ["bob"]],
      [`id eq "${ids.carol}"`, ["carol"]],
      [`active eq true`, ["alice", "carol", "dave"]],
      [`active eq false`, ["bob"]],
      [`active ne true`, ["bob"]],
    ];
    for (const [filter, expected] of cases) expect(await matching(request, filter), filter).toEqual(expected);
  });

  test("edge values: LIKE wildcards match literally, the identity's own id is no externalId, primary and value-path filters", async ({ request }) => {
    const { domain, setup, ids } = await theDirectory(request);
    const [carolIdentity] = (await identitiesOfProvider(setup.providerId)).filter((identity) => identity.userId === ids.carol);
    const cases: [string, string[]][] = [
      [`userName co "%"`, []],
      [`userName co "_"`, []],
      [`userName sw "%"`, []],
      [`name.familyName ew "%"`, []],
      [`displayName co "_"`, []],
      [`externalId eq "${carolIdentity!.externalId}"`, []],
      [`externalId co "${carolIdentity!.externalId.slice(4, 16)}"`, []],
      [`externalId sw "${carolIdentity!.externalId.slice(0, 8)}"`, []],
      [`emails[primary eq true].value eq "alice@home.example"`, []],
      [`emails[primary eq false].value eq "alice@home.example"`, ["alice"]],
      [`emails[type eq "work"]`, ["alice", "bob", "carol", "dave"]],
      [`emails[type eq "home"]`, ["alice"]],
      [`emails[value eq "alice.anders@${domain}" and primary eq true]`, ["alice"]],
    ];
    for (const [filter, expected] of cases) expect(await matching(request, filter), filter).toEqual(expected);
  });

  test("meta.lastModified is the rendered one: a change to what only the identity keeps moves it for filters too", async ({ request }) => {
    const setup = await createScimSetup("filter-modified");
    const scim = scimClient(request, setup);
    const user = await createUser(scim, userBody(setup));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const retitled = await patchAndRead(scim, usersPath(user.id), patchOp({ op: "replace", path: "title", value: "Only the identity keeps this" }));
    expect(Date.parse(retitled.meta.lastModified)).toBeGreaterThan(Date.parse(before));
    for (const [filter, expected] of [
      [`meta.lastModified gt "${before}"`, [user.id]],
      [`meta.lastModified lt "${before}"`, []],
    ] as const) {
      const list = await scimJson<ListResponse>(await scim.get(usersPath(), { params: { filter } }), 200);
      expect(
        (list.Resources ?? []).map((resource) => resource.id),
        filter,
      ).toEqual(expected);
    }
  });

  test("meta.lastModified and meta.created compare as dates", async ({ request }) => {
    const { between } = await theDirectory(request);
    const cases: [string, string[]][] = [
      [`meta.lastModified gt "${between}"`, ["dave"]],
      [`meta.lastModified ge "${between}"`, ["dave"]],
      [`meta.lastModified lt "${between}"`, ["alice", "bob", "carol"]],
      [`meta.lastModified le "${between}"`, ["alice", "bob", "carol"]],
      [`meta.created gt "${between}"`, ["dave"]],
      [`meta.lastModified gt "2000-01-01T00:00:00Z" and meta.lastModified lt "2999-01-01T00:00:00Z"`, ["alice", "bob", "carol", "dave"]],
    ];
    for (const [filter, expected] of cases) expect(await matching(request, filter), filter).toEqual(expected);
  });

  test("and, or, not, grouping and precedence (and binds tighter than or)", async ({ request }) => {
    await theDirectory(request);
    const cases: [string, string[]][] = [
      [`name.familyName eq "Anders" and active eq true`, ["alice", "dave"]],
      [`userName sw "bob" or userName sw "carol"`, ["bob", "carol"]],
      [`not (name.familyName eq "Anders")`, ["bob", "carol"]],
      [`(userName sw "alice" or userName sw "bob") and active eq true`, ["alice"]],
      [`userName sw "alice" or userName sw "bob" and active eq true`, ["alice"]],
      [`userName sw "bob" and active eq true or userName sw "carol"`, ["carol"]],
      [`not (userName sw "alice" or userName sw "bob") and not (externalId pr)`, ["carol"]],
      [`((name.givenName eq "Dave"))`, ["dave"]],
    ];
    for (const [filter, expected] of cases) expect(await matching(request, filter), filter).toEqual(expected);
  });

  test("attribute names and operators in any case; fully qualified URN names", async ({ request }) => {
    const { domain } = await theDirectory(request);
    const cases: [string, string[]][] = [
      [`USERNAME eq "alice.anders@${domain}"`, ["alice"]],
      [`userName EQ "alice.anders@${domain}"`, ["alice"]],
      [`Name.FamilyName Eq "Clark"`, ["carol"]],
      [`EMAILS[TYPE eq "home"].VALUE co "home"`, ["alice"]],
      [`ACTIVE eq false`, ["bob"]],
      [`${SCIM.user}:userName eq "bob.baker@${domain}"`, ["bob"]],
      [`${SCIM.user}:name.familyName eq "Anders"`, ["alice", "dave"]],
      [`${SCIM.user}:ExternalId eq "ext-B2"`, ["bob"]],
    ];
    for (const [filter, expected] of cases) expect(await matching(request, filter), filter).toEqual(expected);
  });

  test("POST /Users/.search takes the filter in a SearchRequest body", async ({ request }) => {
    const { scim, domain, ids } = await theDirectory(request);
    const response = await scim.post(`${usersPath()}/.search`, {
      schemas: [SCIM.searchRequest],
      filter: `userName ew "anders@${domain}"`,
      startIndex: 1,
      count: 10,
    });
    const list = await scimJson<ListResponse>(response, 200);
    expect(list.schemas).toEqual([SCIM.listResponse]);
    expect(list.totalResults).toBe(2);
    expect((list.Resources ?? []).map((resource) => resource.id).sort()).toEqual([ids.alice, ids.dave].sort());
  });

  test("an unusable filter is 400 invalidFilter", async ({ request }) => {
    const { scim } = await theDirectory(request);
    const deep = `${"(".repeat(40)}userName pr${")".repeat(40)}`;
    const long = Array.from({ length: 120 }, (_, i) => `userName eq "someone-${i}@example.test"`).join(" or ");
    expect(long.length).toBeGreaterThan(2000);
    const invalid = [
      `userName eq`,
      `userName xx "a"`,
      `userName eq "unterminated`,
      `(userName pr`,
      `userName eq "a" and`,
      `nosuchattribute eq "x"`,
      `title eq "Engineer"`,
      `active gt true`,
      `meta.lastModified gt "yesterday"`,
      `emails[nosuch eq "x"]`,
      `urn:example:unknown:2.0:User:userName eq "x"`,
      deep,
      long,
    ];
    for (const filter of invalid) {
      await test.step(filter.slice(0, 60), async () => {
        await expectScimError(await scim.get(usersPath(), { params: { filter } }), 400, "invalidFilter");
      });
    }
  });
});
