import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeUser } from "@/test/factories";
import { count, scimProvider, scimWrite, T0, type WriteInput } from "@/test/scim-users";
import {
  createScimUser,
  detachScimUser,
  getScimUser,
  listScimUsers,
  updateScimUser,
  type ScimCondition,
  type ScimListQuery,
  type ScimScope,
} from "./scim-users";

const PEOPLE: (WriteInput & { userName: string; at: number })[] = [
  {
    userName: "alice",
    externalId: "ext-a",
    email: "alice@acme.test",
    name: "Alice Archer",
    // Written together, out of order: a read orders them by address.
    otherEmails: [
      { email: "b.other@mail.test", label: "other" },
      { email: "a.home@mail.test", label: "home" },
    ],
    mobiles: [
      { kind: "secondary", countryCode: "+44", number: "2" },
      { kind: "primary", countryCode: "+44", number: "1" },
    ],
    attributes: { name: { givenName: "Alice", familyName: "Archer" } },
    at: T0 + 1,
  },
  {
    userName: "bob",
    email: "bob@acme.test",
    name: "Bob Baker",
    otherEmails: [{ email: "bob@work2.test", label: "work" }],
    attributes: { name: { givenName: "Bob" }, primaryEmailType: "Home" },
    active: false,
    at: T0 + 2,
  },
  { userName: "Carol.C", externalId: "ext-c", email: "carol@other.test", name: "carol cook", at: T0 + 3 },
  { userName: "dave", externalId: "EXT-D", email: "dave@acme.test", name: "Dave", attributes: { name: { familyName: "Dunn" } }, at: T0 + 4 },
];

describe("listScimUsers", () => {
  const db = createTestDb();
  const scope = scimProvider(db);
  const sibling = scimProvider(db, "Entra", () => scope.tenantId);
  const stranger = scimProvider(db, "Okta");
  const ids: Record<string, string> = {};
  const carolWrite = () => scimWrite({ ...PEOPLE[2], employeeNumber: null });

  beforeAll(async () => {
    for (const { at, ...person } of PEOPLE) {
      const result = await createScimUser(db, scope, scimWrite(person), at);
      if (result.status !== "created") throw new Error(`${person.userName}: ${result.status}`);
      ids[person.userName] = result.record.user.id;
    }
    // Only Carol's identity changes (a title): her lastModified moves, her users row does not.
    const carol = await updateScimUser(
      db,
      scope,
      ids["Carol.C"]!,
      (current) => ({ ...carolWrite(), attributes: { ...current.identity.attributes, title: "Chef" } }),
      T0 + 100,
    );
    if (carol.status !== "updated") throw new Error(`carol: ${carol.status}`);
    // Invisible to the provider: another provider's user, a detached one, a user with no identity, another tenant's namesake.
    await createScimUser(db, sibling, scimWrite({ userName: "zed", email: "zed@acme.test" }));
    const frank = await createScimUser(db, scope, scimWrite({ userName: "frank", email: "frank@acme.test" }));
    if (frank.status === "created") await detachScimUser(db, scope, frank.record.user.id);
    await makeUser(db, scope.tenantId, { email: "eve@acme.test" });
    await createScimUser(db, stranger, scimWrite({ userName: "alice", externalId: "ext-a", email: "alice@acme.test" }));
  });

  const names = async (filter?: ScimCondition, query: Partial<ScimListQuery> = {}, at: ScimScope = scope) =>
    (await listScimUsers(db, at, { filter, offset: 0, limit: 50, ...query })).records.map((record) => record.identity.userName);
  const sorted = async (filter: ScimCondition) => (await names(filter)).sort();

  const cases: [string, ScimCondition, string[]][] = [
    ["userName eq (its key)", { op: "eq", field: "userName", value: "carol.c" }, ["Carol.C"]],
    ["userName ne", { op: "ne", field: "userName", value: "alice" }, ["Carol.C", "bob", "dave"]],
    ["userName co", { op: "co", field: "userName", value: "a" }, ["Carol.C", "alice", "dave"]],
    ["userName sw", { op: "sw", field: "userName", value: "ca" }, ["Carol.C"]],
    ["userName ew", { op: "ew", field: "userName", value: "e" }, ["alice", "dave"]],
    ["userName gt", { op: "gt", field: "userName", value: "bob" }, ["Carol.C", "dave"]],
    ["userName ge", { op: "ge", field: "userName", value: "bob" }, ["Carol.C", "bob", "dave"]],
    ["userName lt", { op: "lt", field: "userName", value: "bob" }, ["alice"]],
    ["userName le", { op: "le", field: "userName", value: "bob" }, ["alice", "bob"]],
    ["id eq", { op: "eq", field: "id", value: "" }, ["dave"]],
    ["externalId eq (case-exact)", { op: "eq", field: "externalId", value: "ext-a" }, ["alice"]],
    ["externalId eq other case", { op: "eq", field: "externalId", value: "EXT-A" }, []],
    ["externalId sw", { op: "sw", field: "externalId", value: "ext" }, ["Carol.C", "alice"]],
    ["externalId ne (absent included)", { op: "ne", field: "externalId", value: "ext-a" }, ["Carol.C", "bob", "dave"]],
    ["externalId pr", { op: "pr", field: "externalId" }, ["Carol.C", "alice", "dave"]],
    ["not externalId pr", { op: "not", condition: { op: "pr", field: "externalId" } }, ["bob"]],
    ["email eq a primary", { op: "eq", field: "email", value: "alice@acme.test" }, ["alice"]],
    ["email eq another address", { op: "eq", field: "email", value: "bob@work2.test" }, ["bob"]],
    ["email sw (primary or other)", { op: "sw", field: "email", value: "a" }, ["alice"]],
    ["email co", { op: "co", field: "email", value: "acme" }, ["alice", "bob", "dave"]],
    ["email ew", { op: "ew", field: "email", value: "work2.test" }, ["bob"]],
    ["email gt", { op: "gt", field: "email", value: "d" }, ["dave"]],
    ["email ne", { op: "ne", field: "email", value: "bob@work2.test" }, ["Carol.C", "alice", "dave"]],
    ["emails[type eq work] primary by default", { op: "eq", field: "email", value: "alice@acme.test", emailType: "work" }, ["alice"]],
    ["emails[type eq home] not the primary", { op: "eq", field: "email", value: "alice@acme.test", emailType: "home" }, []],
    ["emails[type eq home] another address", { op: "eq", field: "email", value: "a.home@mail.test", emailType: "home" }, ["alice"]],
    ["emails[type eq home] the primary's own type", { op: "eq", field: "email", value: "bob@acme.test", emailType: "home" }, ["bob"]],
    ["emails[primary eq true] not another address", { op: "eq", field: "email", value: "bob@work2.test", emailPrimary: true }, []],
    ["emails[primary eq false] another address", { op: "eq", field: "email", value: "bob@work2.test", emailPrimary: false }, ["bob"]],
    ["emails[primary eq false] not the primary", { op: "eq", field: "email", value: "bob@acme.test", emailPrimary: false }, []],
    ["emails[type eq work] (any such address)", { op: "co", field: "email", value: "", emailType: "work" }, ["Carol.C", "alice", "bob", "dave"]],
    ["emails[type eq home] (any such address)", { op: "co", field: "email", value: "", emailType: "home" }, ["alice", "bob"]],
    ["emails[type eq work and value co]", { op: "co", field: "email", value: "work2", emailType: "work" }, ["bob"]],
    ["displayName eq (case-insensitive)", { op: "eq", field: "displayName", value: "ALICE archer" }, ["alice"]],
    ["displayName co", { op: "co", field: "displayName", value: "COOK" }, ["Carol.C"]],
    ["displayName sw", { op: "sw", field: "displayName", value: "D" }, ["dave"]],
    ["displayName ew", { op: "ew", field: "displayName", value: "Baker" }, ["bob"]],
    ["displayName gt", { op: "gt", field: "displayName", value: "C" }, ["Carol.C", "dave"]],
    ["givenName eq", { op: "eq", field: "givenName", value: "ALICE" }, ["alice"]],
    ["givenName pr", { op: "pr", field: "givenName" }, ["alice", "bob"]],
    ["givenName ne (absent included)", { op: "ne", field: "givenName", value: "alice" }, ["Carol.C", "bob", "dave"]],
    ["familyName sw", { op: "sw", field: "familyName", value: "d" }, ["dave"]],
    ["familyName co", { op: "co", field: "familyName", value: "RCH" }, ["alice"]],
    ["active eq true", { op: "eq", field: "active", value: true }, ["Carol.C", "alice", "dave"]],
    ["active ne true", { op: "ne", field: "active", value: true }, ["bob"]],
    ["created gt", { op: "gt", field: "created", value: T0 + 2 }, ["Carol.C", "dave"]],
    ["created le", { op: "le", field: "created", value: T0 + 2 }, ["alice", "bob"]],
    ["created eq", { op: "eq", field: "created", value: T0 + 3 }, ["Carol.C"]],
    ["lastModified gt (the identity's change counts)", { op: "gt", field: "lastModified", value: T0 + 50 }, ["Carol.C"]],
    [
      "and",
      {
        op: "and",
        conditions: [
          { op: "co", field: "userName", value: "a" },
          { op: "eq", field: "active", value: true },
          { op: "pr", field: "externalId" },
        ],
      },
      ["Carol.C", "alice", "dave"],
    ],
    [
      "or",
      {
        op: "or",
        conditions: [
          { op: "eq", field: "userName", value: "alice" },
          { op: "eq", field: "email", value: "dave@acme.test" },
        ],
      },
      ["alice", "dave"],
    ],
    [
      "not or",
      {
        op: "not",
        condition: {
          op: "or",
          conditions: [
            { op: "eq", field: "userName", value: "alice" },
            { op: "eq", field: "email", value: "dave@acme.test" },
          ],
        },
      },
      ["Carol.C", "bob"],
    ],
    ["empty and", { op: "and", conditions: [] }, ["Carol.C", "alice", "bob", "dave"]],
    ["empty or", { op: "or", conditions: [] }, []],
  ];

  it.each(cases)("filters: %s", async (_, filter, expected) => {
    const resolved = filter.op === "eq" && filter.field === "id" ? { ...filter, value: ids.dave! } : filter;
    expect(await sorted(resolved)).toEqual(expected);
  });

  it("counts every match and pages through them in the asked order", async () => {
    expect(await names(undefined, { sortBy: "userName" })).toEqual(["alice", "bob", "Carol.C", "dave"]);
    const page = await listScimUsers(db, scope, { sortBy: "userName", offset: 1, limit: 2 });
    expect({ total: page.total, names: page.records.map((record) => record.identity.userName) }).toEqual({ total: 4, names: ["bob", "Carol.C"] });
    expect(await listScimUsers(db, scope, { offset: 4, limit: 2 })).toEqual({ total: 4, records: [] });
    expect(await listScimUsers(db, scope, { offset: 0, limit: 0, filter: { op: "eq", field: "active", value: true } })).toEqual({ total: 3, records: [] });
    // By default, by the userName key (as its index is ordered).
    expect(await names()).toEqual(["alice", "bob", "Carol.C", "dave"]);
  });

  it("answers a startIndex past the end from the (kept) count alone, and reads a first page with it", async () => {
    const run: string[] = [];
    const watched = new Proxy(db, {
      get: (target, key) =>
        key === "statement"
          ? (sql: string) => (run.push(/^select (count\(\*\)|attached_identities)/.test(sql) ? "count" : "page"), target.statement(sql))
          : Reflect.get(target, key),
    });
    expect(await listScimUsers(watched, scope, { offset: 1_000_000, limit: 100 })).toEqual({ total: 4, records: [] });
    expect(run).toEqual(["count"]);
    run.length = 0;
    expect((await listScimUsers(watched, scope, { offset: 0, limit: 2 })).records).toHaveLength(2);
    expect(run.slice(0, 2).sort()).toEqual(["count", "page"]);
  });

  it.each([
    ["userName", false, ["alice", "bob", "Carol.C", "dave"]],
    ["userName", true, ["dave", "Carol.C", "bob", "alice"]],
    // In code point order, absent values last ascending and first descending.
    ["externalId", false, ["dave", "alice", "Carol.C", "bob"]],
    ["externalId", true, ["bob", "Carol.C", "alice", "dave"]],
    ["displayName", false, ["alice", "bob", "Carol.C", "dave"]],
    ["email", true, ["dave", "Carol.C", "bob", "alice"]],
    ["created", true, ["dave", "Carol.C", "bob", "alice"]],
    ["lastModified", true, ["Carol.C", "dave", "bob", "alice"]],
  ] as const)("sorts by %s (descending: %s)", async (sortBy, descending, expected) => {
    expect(await names(undefined, { sortBy, descending })).toEqual(expected);
  });

  it("sorts absent names last, ties by id", async () => {
    const byId = (a: string, b: string) => (ids[a]! < ids[b]! ? [a, b] : [b, a]);
    expect(await names(undefined, { sortBy: "givenName" })).toEqual(["alice", "bob", ...byId("Carol.C", "dave")]);
    expect(await names(undefined, { sortBy: "familyName" })).toEqual(["alice", "dave", ...byId("bob", "Carol.C")]);
    expect(await names(undefined, { sortBy: "active" })).toEqual(["bob", ...(await names({ op: "eq", field: "active", value: true }, { sortBy: "id" }))]);
  });

  it("refuses a list that would read more candidates one by one than it may, never one an index decides", async () => {
    const list = async (max: number, query: Partial<ScimListQuery> = {}) => {
      const listed = await listScimUsers(db, scope, { offset: 0, limit: 50, ...query }, max);
      return "tooMany" in listed ? "tooMany" : listed.total;
    };
    const active: ScimCondition = { op: "eq", field: "active", value: true };
    const alice: ScimCondition = { op: "eq", field: "userName", value: "alice" };
    const aliceOrBob: ScimCondition = { op: "or", conditions: [alice, { op: "eq", field: "userName", value: "bob" }] };
    // Paging in the default order, and lookups the index decides alone, read no candidates one by one.
    expect(await list(1)).toBe(4);
    expect(await list(1, { filter: aliceOrBob })).toBe(2);
    // A sort, or a condition tested row by row, reads all of the provider's four users: allowed up to the bound.
    expect(await list(3, { sortBy: "displayName" })).toBe("tooMany");
    expect(await list(4, { sortBy: "displayName" })).toBe(4);
    expect(await list(3, { filter: active })).toBe("tooMany");
    expect(await list(4, { filter: active })).toBe(3);
    expect(await list(3, { filter: { op: "not", condition: aliceOrBob } })).toBe("tooMany");
    // An indexed lookup narrows the candidates to what it finds.
    expect(await list(1, { filter: alice, sortBy: "displayName" })).toBe(1);
    expect(await list(1, { filter: { op: "and", conditions: [active, alice] } })).toBe(1);
    expect(await list(1, { filter: { op: "and", conditions: [active, aliceOrBob] } })).toBe("tooMany");
    expect(await list(2, { filter: { op: "and", conditions: [active, aliceOrBob] } })).toBe(1);
  });

  it("reads each page's records whole, as getScimUser does", async () => {
    const { records } = await listScimUsers(db, scope, { sortBy: "userName", offset: 0, limit: 4 });
    for (const record of records) expect(await getScimUser(db, scope, record.user.id)).toEqual(record);
    expect(records[0]).toMatchObject({
      otherEmails: [
        { email: "a.home@mail.test", label: "home" },
        { email: "b.other@mail.test", label: "other" },
      ],
      mobiles: [
        { kind: "primary", number: "1" },
        { kind: "secondary", number: "2" },
      ],
    });
  });

  it("shows a provider its own users only", async () => {
    expect(await names(undefined, {}, sibling)).toEqual(["zed"]);
    expect(await names(undefined, {}, stranger)).toEqual(["alice"]);
    expect(await names(undefined, {}, { ...scope, tenantId: stranger.tenantId })).toEqual([]);
    expect(await names({ op: "eq", field: "email", value: "eve@acme.test" })).toEqual([]);
    expect(await getScimUser(db, sibling, ids.alice!)).toBeUndefined();
    expect(await count(db, "from identities where identity_provider_id = ? and user_id is null", scope.providerId)).toBe(1);
  });

  it("refuses a comparison its field does not have", async () => {
    await expect(listScimUsers(db, scope, { filter: { op: "co", field: "created", value: 1 }, offset: 0, limit: 1 })).rejects.toThrow(RangeError);
    await expect(listScimUsers(db, scope, { filter: { op: "eq", field: "active", value: "true" }, offset: 0, limit: 1 })).rejects.toThrow(RangeError);
  });
});
