import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createTestTenant } from "../fixtures/db";
import { auditEventsOf, expectJitsudoError, identitiesPath, identityRowsOf, jitsudoSetup as setup, withoutChanges } from "./jitsudo-os1-support";

// JITSudo identities, product.md §3 and "One credential, three wire dialects": credentials, the
// X-Tenant-ID header and policy denials (with the deciding policy ids in `notices`).

test.describe("JITSudo credentials", () => {
  test("X-API-Key and Authorization: Bearer are both accepted", async ({ request }) => {
    const { tenant, admin } = await setup();
    const user = await tenant.addUser();
    const variants: Record<string, string>[] = [
      { "X-API-Key": admin.token },
      { Authorization: `Bearer ${admin.token}` },
      { Authorization: `bearer ${admin.token}` },
      { "X-API-Key": "", Authorization: `Bearer ${admin.token}` },
    ];
    for (const credentials of variants) {
      const response = await request.get(identitiesPath(user.id), { headers: { ...credentials, "X-Tenant-ID": tenant.tenantId } });
      expect(response.status(), JSON.stringify(Object.keys(credentials))).toBe(200);
      expect((await response.json()).data).toHaveLength(1);
    }
    const linked = await request.post(identitiesPath(user.id), {
      headers: { Authorization: `Bearer ${admin.token}`, "X-Tenant-ID": tenant.tenantId },
      data: { identity_provider_id: tenant.providerId, external_id: "bearer-link" },
    });
    expect(linked.status()).toBe(201);
  });

  test("no or unreadable credentials: 401 unauthorized, nothing changed", async ({ request }) => {
    const { tenant, admin } = await setup();
    const user = await tenant.addUser();
    const variants: [string, Record<string, string>][] = [
      ["no credentials", {}],
      ["empty X-API-Key", { "X-API-Key": "" }],
      ["garbled X-API-Key", { "X-API-Key": "rpat_garbage" }],
      ["token with a wrong secret", { "X-API-Key": admin.token.slice(0, -4) + "AAAA" }],
      ["Bearer without a token", { Authorization: "Bearer" }],
      ["Basic scheme", { Authorization: `Basic ${Buffer.from(`x:${admin.token}`).toString("base64")}` }],
      ["MxToken scheme (another dialect)", { Authorization: `MxToken ${admin.token}` }],
      ["X-COREOS-ACCESS (another dialect)", { "X-COREOS-ACCESS": admin.token }],
    ];
    for (const [title, credentials] of variants) {
      await test.step(title, async () => {
        const headers = { ...credentials, "X-Tenant-ID": tenant.tenantId };
        await expectJitsudoError(await withoutChanges(() => request.get(identitiesPath(user.id), { headers })), 401, "unauthorized");
        const post = await withoutChanges(() =>
          request.post(identitiesPath(user.id), { headers, data: { identity_provider_id: tenant.providerId, external_id: `anon-${title}` } }),
        );
        await expectJitsudoError(post, 401, "unauthorized");
      });
    }
    expect(await identityRowsOf(user.id)).toHaveLength(1);
  });
});

test.describe("JITSudo X-Tenant-ID", () => {
  test("missing or blank: 400 invalid_input naming the header", async ({ request }) => {
    const { tenant, admin } = await setup();
    const user = await tenant.addUser();
    for (const tenantHeader of [undefined, "", "   "]) {
      const headers = { "X-API-Key": admin.token, ...(tenantHeader !== undefined && { "X-Tenant-ID": tenantHeader }) };
      const body = await expectJitsudoError(await withoutChanges(() => request.get(identitiesPath(user.id), { headers })), 400, "invalid_input");
      expect(body.details).toHaveProperty("X-Tenant-ID");
      const post = await withoutChanges(() =>
        request.post(identitiesPath(user.id), { headers, data: { identity_provider_id: tenant.providerId, external_id: "no-tid" } }),
      );
      await expectJitsudoError(post, 400, "invalid_input");
    }
  });

  test("the token's own tenant in upper case is the same tenant", async ({ request }) => {
    const { tenant, admin } = await setup();
    const user = await tenant.addUser();
    const response = await request.get(identitiesPath(user.id), { headers: { "X-API-Key": admin.token, "X-Tenant-ID": tenant.tenantId.toUpperCase() } });
    expect(response.status()).toBe(200);
  });

  test("another tenant (existing or not): 403 tenant_mismatch with notices, nothing changed", async ({ request }) => {
    const { tenant, admin } = await setup();
    const other = await createTestTenant("jit-tid-other");
    const ownUser = await tenant.addUser();
    const otherUser = await other.addUser();
    for (const named of [other.tenantId, randomUUID(), "not-a-tenant"]) {
      const headers = { "X-API-Key": admin.token, "X-Tenant-ID": named };
      for (const userId of [ownUser.id, otherUser.id]) {
        const get = await expectJitsudoError(await withoutChanges(() => request.get(identitiesPath(userId), { headers })), 403, "tenant_mismatch");
        expect(get.notices?.length).toBeGreaterThan(0);
        const post = await withoutChanges(() =>
          request.post(identitiesPath(userId), { headers, data: { identity_provider_id: other.providerId, external_id: `mismatch-${randomUUID()}` } }),
        );
        expect((await expectJitsudoError(post, 403, "tenant_mismatch")).notices?.length).toBeGreaterThan(0);
      }
    }
  });
});

test.describe("JITSudo policy denials", () => {
  test("GET without users:read: 403 forbidden, notices name scope-required:users:read", async ({ request }) => {
    const tenant = await createTestTenant("jit-scope");
    const token = await tenant.addToken({ scopes: ["identities:write", "mx:user-deactivation:write"] });
    const user = await tenant.addUser();
    const response = await withoutChanges(() =>
      request.get(identitiesPath(user.id), { headers: { "X-API-Key": token.token, "X-Tenant-ID": tenant.tenantId } }),
    );
    const body = await expectJitsudoError(response, 403, "forbidden");
    expect(body.notices).toContain("scope-required:users:read");
  });

  test("POST without identities:write: 403 forbidden, notices name scope-required:identities:write, nothing linked", async ({ request }) => {
    const tenant = await createTestTenant("jit-scope");
    const token = await tenant.addToken({ scopes: ["users:read"] });
    const user = await tenant.addUser();
    const headers = { "X-API-Key": token.token, "X-Tenant-ID": tenant.tenantId };
    expect((await request.get(identitiesPath(user.id), { headers })).status()).toBe(200);
    const response = await withoutChanges(() =>
      request.post(identitiesPath(user.id), { headers, data: { identity_provider_id: tenant.providerId, external_id: "no-scope" } }),
    );
    const body = await expectJitsudoError(response, 403, "forbidden");
    expect(body.notices).toContain("scope-required:identities:write");
    expect(await identityRowsOf(user.id)).toHaveLength(1);
    expect(await auditEventsOf(tenant.tenantId, "identity.link")).toHaveLength(0);
  });

  test("a token with no scopes at all is refused on both methods", async ({ request }) => {
    const tenant = await createTestTenant("jit-scope");
    const token = await tenant.addToken({ scopes: [] });
    const user = await tenant.addUser();
    const headers = { "X-API-Key": token.token, "X-Tenant-ID": tenant.tenantId };
    expect((await expectJitsudoError(await request.get(identitiesPath(user.id), { headers }), 403, "forbidden")).notices).toContain(
      "scope-required:users:read",
    );
    const post = await withoutChanges(() =>
      request.post(identitiesPath(user.id), { headers, data: { identity_provider_id: tenant.providerId, external_id: "none" } }),
    );
    expect((await expectJitsudoError(post, 403, "forbidden")).notices).toContain("scope-required:identities:write");
  });

  for (const role of ["helpdesk", "auditor"] as const) {
    test(`a ${role} token may list but not link: 403 with linking-requires-admin-role`, async ({ request }) => {
      const tenant = await createTestTenant(`jit-${role}`);
      const token = await tenant.addToken({ role });
      const user = await tenant.addUser();
      const headers = { "X-API-Key": token.token, "X-Tenant-ID": tenant.tenantId };
      expect((await request.get(identitiesPath(user.id), { headers })).status()).toBe(200);
      const response = await withoutChanges(() =>
        request.post(identitiesPath(user.id), { headers, data: { identity_provider_id: tenant.providerId, external_id: `by-${role}` } }),
      );
      const body = await expectJitsudoError(response, 403, "forbidden");
      expect(body.notices).toContain("linking-requires-admin-role");
      expect(await identityRowsOf(user.id)).toHaveLength(1);
    });
  }
});
