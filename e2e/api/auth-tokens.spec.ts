import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { deactivateUser } from "@/db/queries/user-status";
import { revokeToken } from "@/db/queries/tokens";
import { createTestTenant, e2eDb, type TestTenant, type TestToken } from "../fixtures/db";
import { markUserInactive } from "../fixtures/rows";
import { expectJitsudoError, expectOs1Error, identitiesPath, jitsudoHeaders, os1Headers, withoutChanges } from "./jitsudo-os1-support";

// product.md "Domain" (PAT) and the dialect table: revoked or expired tokens, and every token of a
// deactivated user, stop working at once; JITSudo and OS1 both answer 401 in their own body.

type DialectCase = {
  name: string;
  call: (request: APIRequestContext, tenant: TestTenant, token: string, userId: string) => Promise<APIResponse>;
  expect401: (response: APIResponse) => Promise<unknown>;
};

const DIALECTS: DialectCase[] = [
  {
    name: "JITSudo GET",
    call: (request, tenant, token, userId) => request.get(identitiesPath(userId), { headers: jitsudoHeaders(token, tenant.tenantId) }),
    expect401: (response) => expectJitsudoError(response, 401, "unauthorized"),
  },
  {
    name: "JITSudo POST",
    call: (request, tenant, token, userId) =>
      request.post(identitiesPath(userId), {
        headers: jitsudoHeaders(token, tenant.tenantId),
        data: { identity_provider_id: tenant.providerId, external_id: `t-${Date.now()}-${Math.random()}` },
      }),
    expect401: (response) => expectJitsudoError(response, 401, "unauthorized"),
  },
  {
    name: "OS1 GetUser",
    call: (request, tenant, token, userId) => request.get(`/api/v1/users/${userId}`, { headers: os1Headers(token, tenant.tenantId) }),
    expect401: (response) => expectOs1Error(response, 401, "UNAUTHORIZED"),
  },
  {
    name: "OS1 ListUsers",
    call: (request, tenant, token) => request.get("/api/v1/users", { headers: os1Headers(token, tenant.tenantId) }),
    expect401: (response) => expectOs1Error(response, 401, "UNAUTHORIZED"),
  },
  {
    name: "OS1 GetUserEmail",
    call: (request, tenant, token, userId) => request.get(`/api/v1/users/email?ids=${userId}`, { headers: os1Headers(token, tenant.tenantId) }),
    expect401: (response) => expectOs1Error(response, 401, "UNAUTHORIZED"),
  },
  {
    name: "OS1 GetUserMobile",
    call: (request, tenant, token, userId) => request.get(`/api/v1/users/mobile?userId=${userId}`, { headers: os1Headers(token, tenant.tenantId) }),
    expect401: (response) => expectOs1Error(response, 401, "UNAUTHORIZED"),
  },
];

/** Another admin of the tenant deactivates the token owner's user, as the console or the Mendix API would. */
async function deactivateOwner(tenant: TestTenant, owner: TestToken) {
  const actor = await tenant.addToken();
  const result = await deactivateUser(e2eDb(), {
    tenantId: tenant.tenantId,
    userId: owner.adminUserId,
    actor: { type: "admin", id: actor.adminId, name: "spec", userId: actor.adminUserId },
  });
  expect(result.status).toBe("deactivated");
}

type BadToken = { title: string; make: (tenant: TestTenant) => string | Promise<string> };

const BAD_TOKENS: BadToken[] = [
  { title: "missing", make: () => "" },
  { title: "garbled", make: () => "not-a-token" },
  { title: "well-formed but unknown", make: () => `rpat_${"0".repeat(32)}_${"A".repeat(43)}` },
  { title: "right id, wrong secret", make: async (tenant) => `${(await tenant.addToken()).token.slice(0, -43)}${"B".repeat(43)}` },
  {
    title: "revoked",
    make: async (tenant) => {
      const token = await tenant.addToken();
      expect((await revokeToken(e2eDb(), token.tokenId, { type: "system", name: "spec" })).status).toBe("revoked");
      return token.token;
    },
  },
  { title: "expired", make: async (tenant) => (await tenant.addToken({ expiresAt: Date.now() - 1000 })).token },
  {
    title: "owner deactivated",
    make: async (tenant) => {
      const token = await tenant.addToken();
      await deactivateOwner(tenant, token);
      return token.token;
    },
  },
  {
    title: "owner inactive, token itself not revoked",
    make: async (tenant) => {
      const token = await tenant.addToken();
      await markUserInactive(token.adminUserId);
      return token.token;
    },
  },
];

for (const dialect of DIALECTS) {
  test.describe(`${dialect.name}: tokens that must not work get 401`, () => {
    for (const bad of BAD_TOKENS) {
      test(bad.title, async ({ request }) => {
        const tenant = await createTestTenant("tok");
        const user = await tenant.addUser();
        const token = await bad.make(tenant);
        const response = await withoutChanges(() => dialect.call(request, tenant, token, user.id));
        await dialect.expect401(response);
      });
    }
  });

  test(`${dialect.name}: a token that just worked is refused on the very next request after revocation`, async ({ request }) => {
    const tenant = await createTestTenant("tok-revoke");
    const user = await tenant.addUser();
    const token = await tenant.addToken();
    const before = await dialect.call(request, tenant, token.token, user.id);
    expect(before.status(), await before.text()).toBeLessThan(300);
    await revokeToken(e2eDb(), token.tokenId, { type: "system", name: "spec" });
    await dialect.expect401(await dialect.call(request, tenant, token.token, user.id));
  });

  test(`${dialect.name}: a token that just worked is refused on the very next request after its owner is deactivated`, async ({ request }) => {
    const tenant = await createTestTenant("tok-deact");
    const user = await tenant.addUser();
    const token = await tenant.addToken();
    const before = await dialect.call(request, tenant, token.token, user.id);
    expect(before.status(), await before.text()).toBeLessThan(300);
    await deactivateOwner(tenant, token);
    await dialect.expect401(await dialect.call(request, tenant, token.token, user.id));
  });
}

test("a token with an expiry in the future works until then", async ({ request }) => {
  const tenant = await createTestTenant("tok-future");
  const user = await tenant.addUser();
  const token = await tenant.addToken({ expiresAt: Date.now() + 60_000 });
  for (const dialect of DIALECTS) {
    const response = await dialect.call(request, tenant, token.token, user.id);
    expect(response.status(), `${dialect.name}: ${await response.text()}`).toBeLessThan(300);
  }
});
