import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { User } from "@/db/schema";
import { createTestTenant } from "../fixtures/db";
import { expectOs1Error, expectOs1Ok, userRow } from "./jitsudo-os1-support";
import { createOs1Directory, os1View, osId, type Os1Directory, ALICE_PROPERTIES } from "./os1-directory";

// Delhivery OS1 User API, product.md §4: GetUser and ListUsers on a tenant with a known directory.
// Contacts are in os1-users-contacts.spec.ts, bad input in os1-users-bad-input.spec.ts.

type Listed = Record<string, unknown> & { id: string; additionalInfo?: { active: boolean; deactivatedAt: number | null; identitiesCount: number } };
type ListData = { meta: { totalElements: number; totalPages: number; page: number; size: number }; users: Listed[] };

let dir: Os1Directory;
test.beforeAll(async () => {
  dir = await createOs1Directory();
});

async function list(request: APIRequestContext, query: string) {
  return expectOs1Ok<ListData>(await request.get(`/api/v1/users${query}`, { headers: dir.headers() }));
}
const ids = (users: { id: string }[]) => users.map((u) => u.id);
const idsOf = (...users: User[]) => users.map(osId);

test.describe("OS1 GetUser", () => {
  test("by UUID: the user with properties, `user:` id, epoch-second timestamps, request echoed", async ({ request }) => {
    const requestId = `get-${randomUUID()}`;
    const response = await request.get(`/api/v1/users/${dir.alice.id}`, { headers: dir.headers(requestId) });
    const { data, request: echo } = await expectOs1Ok<Record<string, unknown>>(response);
    expect(data).toEqual(os1View(dir.alice));
    // Spelled out, so the expectation does not only mirror the row.
    expect(data).toMatchObject({
      id: `user:${dir.alice.id}`,
      name: "Alice Anders",
      email: "Mail.Delta@Example.com",
      state: "active:available",
      uniqueCode: "UC-Q3",
      userCode: "UCODE-A",
      aaaId: "AAA-A",
      participantType: "users",
      category: "staff",
      createdAt: 1_700_000_003,
      updatedAt: 1_700_000_050,
      createdBy: { id: expect.any(String), name: "Spec Creator" },
      properties: ALICE_PROPERTIES,
    });
    expect(echo).toEqual({ uri: `/api/v1/users/${dir.alice.id}`, requestId, queryString: "", body: null, method: "GET" });
    expect(response.headers()["x-coreos-request-id"]).toBe(requestId);
  });

  test("every accepted spelling of the id finds the same user", async ({ request }) => {
    const spellings = [
      dir.alice.id,
      `user:${dir.alice.id}`,
      `users:${dir.alice.id}`,
      encodeURIComponent(`user:${dir.alice.id}`),
      "ref:AAA-A",
      "ref:UCODE-A",
      "ref:UC-Q3",
      encodeURIComponent("ref:UC-Q3"),
    ];
    for (const spelling of spellings) {
      const { data } = await expectOs1Ok<{ id: string }>(await request.get(`/api/v1/users/${spelling}`, { headers: dir.headers() }));
      expect(data.id, spelling).toBe(`user:${dir.alice.id}`);
    }
    const { data: erin } = await expectOs1Ok<{ id: string }>(await request.get("/api/v1/users/ref:ZZ-KEY-Q2", { headers: dir.headers() }));
    expect(erin.id).toBe(osId(dir.erin));
  });

  test("includeProperties=false leaves properties out; true keeps them", async ({ request }) => {
    const without = await expectOs1Ok<Record<string, unknown>>(
      await request.get(`/api/v1/users/${dir.alice.id}?includeProperties=false`, { headers: dir.headers() }),
    );
    expect(without.data).toEqual(os1View(dir.alice, false));
    expect(without.data).not.toHaveProperty("properties");
    expect(without.request.queryString).toBe("includeProperties=false");
    const withProps = await expectOs1Ok<Record<string, unknown>>(
      await request.get(`/api/v1/users/${dir.alice.id}?includeProperties=true`, { headers: dir.headers() }),
    );
    expect(withProps.data).toHaveProperty("properties.department", "Finance");
  });

  test("an inactive user is still found, with its state", async ({ request }) => {
    const { data } = await expectOs1Ok<Record<string, unknown>>(await request.get(`/api/v1/users/user:${dir.carol.id}`, { headers: dir.headers() }));
    expect(data).toMatchObject({ id: osId(dir.carol), state: "inactive:deactivated" });
  });

  test("unknown id or code: 404 NOT_FOUND", async ({ request }) => {
    for (const unknown of [randomUUID(), `user:${randomUUID()}`, "ref:NO-SUCH-CODE"]) {
      await expectOs1Error(await request.get(`/api/v1/users/${unknown}`, { headers: dir.headers() }), 404, "NOT_FOUND");
    }
  });

  test("another tenant's user, by id or code: 404 NOT_FOUND", async ({ request }) => {
    const other = await createTestTenant("os1-other");
    const stranger = await other.addUser();
    const uniqueCode = (await userRow(stranger.id))!.uniqueCode;
    for (const ref of [stranger.id, `user:${stranger.id}`, `ref:${uniqueCode}`]) {
      await expectOs1Error(await request.get(`/api/v1/users/${ref}`, { headers: dir.headers() }), 404, "NOT_FOUND");
    }
  });
});

test.describe("OS1 ListUsers", () => {
  test("defaults: page 1, size 20, newest first, full users, correct totals", async ({ request }) => {
    const { data, request: echo } = await list(request, "");
    expect(data.meta).toEqual({ totalElements: dir.total, totalPages: 1, page: 1, size: 20 });
    expect(data.users).toHaveLength(dir.total);
    expect(ids(data.users)).toEqual([`user:${dir.admin.adminUserId}`, ...idsOf(dir.bob, dir.dave, dir.alice, dir.erin, dir.carol)]);
    expect(data.users.find((u) => u.id === osId(dir.alice))).toEqual(os1View(dir.alice));
    for (const user of data.users) {
      expect(user.id).toMatch(/^user:[0-9a-f-]{36}$/);
      expect(Number.isInteger(user.createdAt) && (user.createdAt as number) < 1e11).toBe(true);
      expect(user).not.toHaveProperty("additionalInfo");
    }
    expect(echo).toMatchObject({ uri: "/api/v1/users", queryString: "", body: null, method: "GET" });
  });

  test("pages start at 1 and split the users without overlap", async ({ request }) => {
    const seen: string[] = [];
    for (const page of [1, 2]) {
      const { data } = await list(request, `?page=${page}&size=4`);
      expect(data.meta).toEqual({ totalElements: 6, totalPages: 2, page, size: 4 });
      expect(data.users).toHaveLength(page === 1 ? 4 : 2);
      seen.push(...ids(data.users));
    }
    expect(new Set(seen).size).toBe(6);
    const past = await list(request, "?page=3&size=4");
    expect(past.data).toEqual({ meta: { totalElements: 6, totalPages: 2, page: 3, size: 4 }, users: [] });
    const last = await list(request, "?page=6&size=1&sortBy=desc&sortKey=createdAt");
    expect(ids(last.data.users)).toEqual([osId(dir.carol)]);
    expect(last.data.meta.totalPages).toBe(6);
  });

  test("size bounds: 1 and 100 are accepted", async ({ request }) => {
    expect((await list(request, "?size=1")).data.users).toHaveLength(1);
    expect((await list(request, "?size=100")).data.meta).toEqual({ totalElements: 6, totalPages: 1, page: 1, size: 100 });
  });

  test("select projects the attributes and always keeps id", async ({ request }) => {
    const cases: [string, string[]][] = [
      ["name,email", ["email", "id", "name"]],
      ["email", ["email", "id"]],
      ["id", ["id"]],
      [" uniqueCode , createdAt ", ["createdAt", "id", "uniqueCode"]],
    ];
    for (const [select, keys] of cases) {
      const { data } = await list(request, `?select=${encodeURIComponent(select)}`);
      for (const user of data.users) expect(Object.keys(user).sort(), select).toEqual(keys);
    }
    const alice = (await list(request, "?select=name,email&query=delta")).data.users;
    expect(alice).toEqual([{ id: osId(dir.alice), name: "Alice Anders", email: "Mail.Delta@Example.com" }]);
  });

  test("query matches email, name and unique code, case-insensitively, and the totals follow", async ({ request }) => {
    const cases: [string, User[]][] = [
      ["MAIL.DELTA@example", [dir.alice]],
      ["carol ch", [dir.carol]],
      ["bOB", [dir.bob]],
      ["zz-key", [dir.erin]],
      ["uc-q", [dir.bob, dir.dave, dir.alice, dir.carol]],
      ["example.com", [dir.bob, dir.dave, dir.alice, dir.erin, dir.carol]],
      ["no-such-person", []],
      // Wildcards of LIKE, GLOB and FTS5 are literal characters here.
      ["%%%", []],
      ["m_i", []],
      ['m"*', []],
      ["  bOB  ", [dir.bob]],
    ];
    for (const [query, expected] of cases) {
      const { data } = await list(request, `?query=${encodeURIComponent(query)}`);
      expect(ids(data.users), query).toEqual(idsOf(...expected));
      expect(data.meta, query).toEqual({ totalElements: expected.length, totalPages: expected.length ? 1 : 0, page: 1, size: 20 });
    }
    const paged = await list(request, "?query=example.com&size=2&page=3");
    expect(paged.data.meta).toEqual({ totalElements: 5, totalPages: 3, page: 3, size: 2 });
    expect(ids(paged.data.users)).toEqual([osId(dir.carol)]);
  });

  test("sortBy asc|desc on every sort key (desc by default)", async ({ request }) => {
    const { alice: a, bob: b, carol: c, dave: d, erin: e } = dir;
    const orders: [string, User[]][] = [
      ["name", [a, b, c, d, e]],
      ["email", [d, b, e, a, c]],
      ["uniqueCode", [b, a, d, c, e]],
      ["createdAt", [c, e, a, d, b]],
      ["updatedAt", [b, d, e, c, a]],
    ];
    for (const [sortKey, ascending] of orders) {
      const asc = await list(request, `?query=example.com&sortKey=${sortKey}&sortBy=asc`);
      expect(ids(asc.data.users), `${sortKey} asc`).toEqual(idsOf(...ascending));
      const desc = await list(request, `?query=example.com&sortKey=${sortKey}&sortBy=desc`);
      expect(ids(desc.data.users), `${sortKey} desc`).toEqual(idsOf(...[...ascending].reverse()));
      const byDefault = await list(request, `?query=example.com&sortKey=${sortKey}`);
      expect(ids(byDefault.data.users), `${sortKey} default`).toEqual(idsOf(...[...ascending].reverse()));
    }
  });

  test("additionalInfo=true adds {active, deactivatedAt, identitiesCount}; false leaves it out", async ({ request }) => {
    const { data } = await list(request, "?additionalInfo=true");
    const info = Object.fromEntries(data.users.map((u) => [u.id, u.additionalInfo]));
    expect(info[osId(dir.alice)]).toEqual({ active: true, deactivatedAt: null, identitiesCount: 1 });
    expect(info[osId(dir.bob)]).toEqual({ active: true, deactivatedAt: null, identitiesCount: 2 });
    expect(info[osId(dir.carol)]).toEqual({ active: false, deactivatedAt: 1_700_000_006, identitiesCount: 1 });
    expect(info[`user:${dir.admin.adminUserId}`]).toEqual({ active: true, deactivatedAt: null, identitiesCount: 0 });
    const projected = await list(request, "?additionalInfo=true&select=name&query=carol");
    expect(projected.data.users).toEqual([
      { id: osId(dir.carol), name: "Carol Chen", additionalInfo: { active: false, deactivatedAt: 1_700_000_006, identitiesCount: 1 } },
    ]);
    for (const user of (await list(request, "?additionalInfo=false")).data.users) expect(user).not.toHaveProperty("additionalInfo");
  });

  test("a page far past the end is a 400 that asks for a query, never a 500", async ({ request }) => {
    for (const page of ["101", "1000000", "9007199254740991", "99999999999999999999"]) {
      const response = await request.get(`/api/v1/users?page=${page}&size=100`, { headers: dir.headers() });
      const body = await expectOs1Error(response, 400, "BAD_REQUEST");
      expect(body.error!.description, `page=${page}`).toMatch(/query/);
    }
  });

  test("the deepest page allowed (page × size = 10,000) is an empty page here", async ({ request }) => {
    for (const query of ["?page=100&size=100", "?page=10000&size=1", "?page=500&size=20"]) {
      const { data } = await list(request, query);
      expect(data.users, query).toEqual([]);
      expect(data.meta.totalElements, query).toBe(6);
    }
  });
});
