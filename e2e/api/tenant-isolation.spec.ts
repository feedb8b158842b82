import { randomUUID } from "node:crypto";
import { expect, test, type APIResponse } from "@playwright/test";
import { createTestTenant, type TestTenant, type TestToken } from "../fixtures/db";
import {
  expectJitsudoError,
  expectOs1Error,
  expectOs1Ok,
  identitiesPath,
  jitsudoHeaders,
  mendixHeaders,
  os1Headers,
  tenantSnapshot,
  userRow,
} from "./jitsudo-os1-support";
import { createOs1Directory, type Os1Directory } from "./os1-directory";

// product.md "Domain": nothing is ever read or written across tenants. A token of tenant A, with
// every scope and the admin role, goes at tenant B through every endpoint of the four APIs; B's
// rows (users, identities, mobiles, tokens, audit events) must be exactly as they were.

let a: { tenant: TestTenant; admin: TestToken; user: { id: string; email: string } };
let b: Os1Directory;
let bSnapshot: string;

test.beforeAll(async () => {
  const tenant = await createTestTenant("iso-a");
  a = { tenant, admin: await tenant.addToken(), user: await tenant.addUser() };
  b = await createOs1Directory("iso-b");
});

test.beforeEach(async () => {
  bSnapshot = await tenantSnapshot(b.tenant.tenantId);
});

test.afterEach(async () => {
  expect(await tenantSnapshot(b.tenant.tenantId), "tenant B changed").toBe(bSnapshot);
  for (const user of b.named) expect((await userRow(user.id))?.active).toBe(user.active);
});

const bRefs = () => [b.alice.id, `user:${b.bob.id}`, `users:${b.carol.id}`, "ref:UC-Q3", "ref:AAA-A", "ref:UCODE-A", `ref:${b.admin.adminEmail}`];

test.describe("Mendix User Identifiers API", () => {
  for (const method of ["POST", "GET"] as const) {
    test(`${method} lookup of B's emails: every one under not-found, A's own found`, async ({ request }) => {
      const bEmails = [...b.named.map((u) => u.email), b.admin.adminEmail, b.alice.email.toLowerCase()];
      const addresses = [a.user.email, ...bEmails].map((emailAddress) => ({ emailAddress }));
      const response = await request.fetch("/api/user-identifiers/v1/uuids", {
        method,
        headers: mendixHeaders(a.admin.token),
        data: { emailAddresses: addresses },
      });
      expect(response.status(), await response.text()).toBe(200);
      const body = await response.json();
      expect(body.identifiers).toEqual([{ emailAddress: a.user.email, uuid: a.user.id }]);
      expect(body.error.emailAddresses).toEqual(bEmails.map((emailAddress) => ({ emailAddress })));
      expect(JSON.stringify(body)).not.toMatch(new RegExp(b.named.map((u) => u.id).join("|")));
    });
  }
});

test.describe("Mendix User Deactivation API", () => {
  test("deactivating B's users (and B's admin): 404, they stay active", async ({ request }) => {
    for (const userId of [b.alice.id, b.bob.id, b.admin.adminUserId]) {
      const response = await request.patch(`/v1/platform-users/${userId}`, { headers: mendixHeaders(a.admin.token), data: { active: false } });
      expect(response.status(), await response.text()).toBe(404);
      expect((await response.json()).error).toMatchObject({ code: 404 });
      expect((await userRow(userId))?.active).toBe(true);
    }
    // B's token still works: nothing of B's was revoked.
    const stillWorks = await request.get(`/api/v1/users/${b.alice.id}`, { headers: b.headers() });
    expect(stillWorks.status()).toBe(200);
  });

  test("an already inactive user of B: 404 as well, not 204", async ({ request }) => {
    const response = await request.patch(`/v1/platform-users/${b.carol.id}`, { headers: mendixHeaders(a.admin.token), data: { active: false } });
    expect(response.status()).toBe(404);
  });
});

test.describe("JITSudo identities", () => {
  test("GET B's user with A's tenant header: 404 not_found", async ({ request }) => {
    for (const user of [b.alice, b.bob, b.carol]) {
      const body = await expectJitsudoError(
        await request.get(identitiesPath(user.id), { headers: jitsudoHeaders(a.admin.token, a.tenant.tenantId) }),
        404,
        "not_found",
      );
      expect(JSON.stringify(body)).not.toContain("Test OIDC");
    }
  });

  test("GET or POST with B named in X-Tenant-ID: 403 tenant_mismatch", async ({ request }) => {
    const headers = jitsudoHeaders(a.admin.token, b.tenant.tenantId);
    for (const userId of [b.alice.id, a.user.id]) {
      await expectJitsudoError(await request.get(identitiesPath(userId), { headers }), 403, "tenant_mismatch");
      const post = await request.post(identitiesPath(userId), {
        headers,
        data: { identity_provider_id: b.tenant.providerId, external_id: `evil-${randomUUID()}` },
      });
      await expectJitsudoError(post, 403, "tenant_mismatch");
    }
  });

  test("POST on B's user, with A's or B's provider: 404 not_found, nothing linked", async ({ request }) => {
    const headers = jitsudoHeaders(a.admin.token, a.tenant.tenantId);
    for (const providerId of [a.tenant.providerId, b.tenant.providerId]) {
      const response = await request.post(identitiesPath(b.alice.id), {
        headers,
        data: { identity_provider_id: providerId, external_id: `evil-${randomUUID()}` },
      });
      await expectJitsudoError(response, 404, "not_found");
    }
  });

  test("POST on A's user with B's provider: 400, even for an account B has linked (no 409 that would reveal it)", async ({ request }) => {
    const headers = jitsudoHeaders(a.admin.token, a.tenant.tenantId);
    for (const externalId of [`ext-${b.alice.id}`, `fresh-${randomUUID()}`]) {
      const response = await request.post(identitiesPath(a.user.id), { headers, data: { identity_provider_id: b.tenant.providerId, external_id: externalId } });
      const body = await expectJitsudoError(response, 400, "invalid_input");
      expect(body.details).toHaveProperty("identity_provider_id");
    }
  });
});

test.describe("OS1 User API", () => {
  const aHeaders = () => os1Headers(a.admin.token, a.tenant.tenantId);

  test("GetUser: B's users by any id spelling or code are 404", async ({ request }) => {
    for (const ref of bRefs()) {
      await expectOs1Error(await request.get(`/api/v1/users/${encodeURIComponent(ref)}`, { headers: aHeaders() }), 404, "NOT_FOUND");
    }
  });

  test("ListUsers: never lists B's users, whatever the query, paging or sort", async ({ request }) => {
    const queries = [
      "",
      "?size=100",
      "?size=100&sortBy=asc&sortKey=name",
      "?query=example.com",
      "?query=mail.delta",
      "?query=UC-Q",
      "?query=iso-b",
      "?additionalInfo=true&size=100",
    ];
    const bIds = new Set([...b.named.map((u) => `user:${u.id}`), `user:${b.admin.adminUserId}`]);
    for (const query of queries) {
      const response = await request.get(`/api/v1/users${query}`, { headers: aHeaders() });
      const { data } = await expectOs1Ok<{ meta: { totalElements: number }; users: { id: string }[] }>(response);
      for (const user of data.users) expect(bIds.has(user.id), `${query}: ${user.id}`).toBe(false);
      // Tenant A holds its admin and one user; no filter can find more than that.
      expect(data.meta.totalElements, query).toBeLessThanOrEqual(2);
    }
    const everything = await expectOs1Ok<{ meta: { totalElements: number } }>(await request.get("/api/v1/users", { headers: aHeaders() }));
    expect(everything.data.meta.totalElements).toBe(2);
  });

  test("GetUserEmail and GetUserMobile: B's ids give no users", async ({ request }) => {
    const ids = bRefs().join(",");
    for (const path of [`/api/v1/users/email?ids=${ids}`, `/api/v1/users/mobile?ids=${ids}`, `/api/v1/users/mobile?userId=${ids}`]) {
      const response = await request.get(path, { headers: aHeaders() });
      const { data } = await expectOs1Ok<{ meta: { totalElements: number }; users: unknown[] }>(response);
      expect(data, path).toEqual({ meta: { totalElements: 0 }, users: [] });
    }
  });

  test("naming B in X-COREOS-TID: 403 on every endpoint", async ({ request }) => {
    const headers = os1Headers(a.admin.token, b.tenant.tenantId);
    for (const path of ["/api/v1/users", `/api/v1/users/${b.alice.id}`, `/api/v1/users/email?ids=${b.alice.id}`, `/api/v1/users/mobile?ids=${b.alice.id}`]) {
      await expectOs1Error(await request.get(path, { headers }), 403, "TENANT_MISMATCH");
    }
  });
});

test("B's own token still sees B's data afterwards (the checks above are not vacuous)", async ({ request }) => {
  const ok = async (response: APIResponse) => expect(response.status(), await response.text()).toBe(200);
  await ok(await request.get(`/api/v1/users/${b.alice.id}`, { headers: b.headers() }));
  await ok(await request.get(identitiesPath(b.alice.id), { headers: jitsudoHeaders(b.admin.token, b.tenant.tenantId) }));
  const lookup = await request.post("/api/user-identifiers/v1/uuids", {
    headers: mendixHeaders(b.admin.token),
    data: { emailAddresses: [{ emailAddress: b.alice.email }] },
  });
  expect((await lookup.json()).identifiers).toEqual([{ emailAddress: b.alice.email, uuid: b.alice.id }]);
});
