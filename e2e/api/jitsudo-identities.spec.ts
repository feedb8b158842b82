import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { prepared } from "@/db/prepared";
import { createTestTenant, e2eDb } from "../fixtures/db";
import {
  auditEventsOf,
  expectJitsudoError,
  expectUuid,
  identitiesPath,
  identityRowsOf,
  ISO_TIMESTAMP,
  jitsudoSetup as setup,
  withoutChanges,
} from "./jitsudo-os1-support";

// JITSudo "list user identities" and "create user identity", product.md §3: behaviour. Bad input is in
// jitsudo-identities-bad-input.spec.ts;
// auth, tenant header and policy denials in jitsudo-identities-auth.spec.ts.

// prettier-ignore
const ALL_FIELDS = [
  "id", "user_id", "identity_provider_id", "provider_name", "provider_type", "external_id", "external_username",
  "external_email", "external_display_name", "linked_by", "last_synced_at", "created_at", "updated_at",
];

function link(request: APIRequestContext, userId: string, headers: Record<string, string>, data: unknown) {
  return request.post(identitiesPath(userId), { headers, data: data as Record<string, unknown> });
}

test.describe("JITSudo GET /v1/users/{id}/identities", () => {
  test("200 {data:[…]} with exactly the JITSudo fields, snake_case, ISO timestamps, empty optionals left out", async ({ request }) => {
    const { tenant, headers } = await setup();
    const user = await tenant.addUser({ email: "Dana.Identity@example.test", name: "Dana Identity" });
    // A second, sparse identity: no username/email/display name, but synced once.
    const sparseId = randomUUID();
    const later = Date.now() + 5_000;
    await prepared(
      e2eDb(),
      `insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, linked_by, last_synced_at, created_at, updated_at)
        values (?, ?, ?, ?, 'sparse-1', 'scim', 1700000000123, ?, ?)`,
    ).run(sparseId, tenant.tenantId, user.id, tenant.providerId, later, later + 1);
    const [fullRow] = await identityRowsOf(user.id);

    const response = await request.get(identitiesPath(user.id), { headers });

    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("application/json");
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["data"]);
    expect(body.data).toHaveLength(2);
    const [full, sparse] = body.data;
    expect(full).toEqual({
      id: fullRow!.id,
      user_id: user.id,
      identity_provider_id: tenant.providerId,
      provider_name: "Test OIDC",
      provider_type: "oidc",
      external_id: `ext-${user.id}`,
      external_username: "Dana.Identity",
      external_email: "Dana.Identity@example.test",
      external_display_name: "Dana Identity",
      linked_by: "auto",
      created_at: new Date(fullRow!.createdAt).toISOString(),
      updated_at: new Date(fullRow!.updatedAt).toISOString(),
    });
    expect(Object.keys(full)).not.toContain("last_synced_at");
    expect(sparse).toEqual({
      id: sparseId,
      user_id: user.id,
      identity_provider_id: tenant.providerId,
      provider_name: "Test OIDC",
      provider_type: "oidc",
      external_id: "sparse-1",
      linked_by: "scim",
      last_synced_at: "2023-11-14T22:13:20.123Z",
      created_at: new Date(later).toISOString(),
      updated_at: new Date(later + 1).toISOString(),
    });
    for (const identity of body.data) {
      for (const key of Object.keys(identity)) expect(ALL_FIELDS).toContain(key);
      expect(identity.created_at).toMatch(ISO_TIMESTAMP);
      expect(identity.updated_at).toMatch(ISO_TIMESTAMP);
    }
  });

  test("a user without identities: 200 with an empty list", async ({ request }) => {
    const { admin, headers } = await setup();
    // The token's own admin user has no identity.
    const response = await request.get(identitiesPath(admin.adminUserId), { headers });
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ data: [] });
  });

  test("lists only the asked user's identities", async ({ request }) => {
    const { tenant, headers } = await setup();
    const first = await tenant.addUser();
    const second = await tenant.addUser();
    const body = await (await request.get(identitiesPath(first.id), { headers })).json();
    expect(body.data.map((i: { external_id: string }) => i.external_id)).toEqual([`ext-${first.id}`]);
    expect(body.data.map((i: { user_id: string }) => i.user_id)).not.toContain(second.id);
  });

  test("unknown user: 404 not_found", async ({ request }) => {
    const { headers } = await setup();
    await expectJitsudoError(await request.get(identitiesPath(randomUUID()), { headers }), 404, "not_found");
  });

  test("another tenant's user: 404 not_found, the same answer as for an unknown user", async ({ request }) => {
    const { headers } = await setup();
    const other = await (await createTestTenant("jit-other")).addUser();
    const body = await expectJitsudoError(await request.get(identitiesPath(other.id), { headers }), 404, "not_found");
    expect(JSON.stringify(body)).not.toContain("Test OIDC");
  });
});

test.describe("JITSudo POST /v1/users/{id}/identities", () => {
  test("links an identity: 201, linked_by manual, in the next GET, one identity.link audit event", async ({ request }) => {
    const { tenant, admin, headers } = await setup();
    const user = await tenant.addUser();
    const auditBefore = (await auditEventsOf(tenant.tenantId)).length;
    const startedAt = Date.now();

    const response = await link(request, user.id, headers, {
      identity_provider_id: tenant.providerId,
      external_id: "okta|00u1abcd",
      external_username: "dana",
      external_email: "dana@idp.example",
      external_display_name: "Dana at the IdP",
    });

    expect(response.status(), await response.text()).toBe(201);
    const { data } = await response.json();
    expectUuid(data.id);
    expect(data).toEqual({
      id: data.id,
      user_id: user.id,
      identity_provider_id: tenant.providerId,
      provider_name: "Test OIDC",
      provider_type: "oidc",
      external_id: "okta|00u1abcd",
      external_username: "dana",
      external_email: "dana@idp.example",
      external_display_name: "Dana at the IdP",
      linked_by: "manual",
      created_at: expect.stringMatching(ISO_TIMESTAMP),
      updated_at: expect.stringMatching(ISO_TIMESTAMP),
    });
    expect(Date.parse(data.created_at)).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(Date.parse(data.created_at)).toBeLessThanOrEqual(Date.now());

    const listed = await (await request.get(identitiesPath(user.id), { headers })).json();
    expect(listed.data).toHaveLength(2);
    expect(listed.data).toContainEqual(data);

    const events = await auditEventsOf(tenant.tenantId);
    expect(events).toHaveLength(auditBefore + 1);
    const linkEvents = await auditEventsOf(tenant.tenantId, "identity.link");
    expect(linkEvents).toHaveLength(1);
    expect(linkEvents[0]).toMatchObject({ actorType: "token", actorId: admin.tokenId, targetType: "user", targetId: user.id, requestId: expect.any(String) });
    expect(linkEvents[0]!.details).toMatchObject({ identityId: data.id, identityProviderId: tenant.providerId, externalId: "okta|00u1abcd" });
  });

  test("only the required fields: 201 and the optional ones are left out", async ({ request }) => {
    const { tenant, headers } = await setup();
    const user = await tenant.addUser();
    const response = await link(request, user.id, headers, { identity_provider_id: tenant.providerId, external_id: "x".repeat(200) });
    expect(response.status(), await response.text()).toBe(201);
    const { data } = await response.json();
    expect(Object.keys(data).sort()).toEqual(
      ["created_at", "external_id", "id", "identity_provider_id", "linked_by", "provider_name", "provider_type", "updated_at", "user_id"].sort(),
    );
    expect(data.external_id).toBe("x".repeat(200));
    expect((await identityRowsOf(user.id)).find((row) => row.id === data.id)).toMatchObject({ linkedBy: "manual", externalUsername: null });
  });

  test("the same provider + external_id twice: 409 conflict, nothing more stored", async ({ request }) => {
    const { tenant, headers } = await setup();
    const user = await tenant.addUser();
    const body = { identity_provider_id: tenant.providerId, external_id: "dup-1" };
    expect((await link(request, user.id, headers, body)).status()).toBe(201);

    await expectJitsudoError(await withoutChanges(() => link(request, user.id, headers, body)), 409, "conflict");
    // Also when the second attempt names another user of the tenant.
    const other = await tenant.addUser();
    await expectJitsudoError(await withoutChanges(() => link(request, other.id, headers, body)), 409, "conflict");
    // And for an account that was linked automatically.
    await expectJitsudoError(
      await withoutChanges(() => link(request, other.id, headers, { identity_provider_id: tenant.providerId, external_id: `ext-${user.id}` })),
      409,
      "conflict",
    );
    expect(await identityRowsOf(user.id)).toHaveLength(2);
    expect(await auditEventsOf(tenant.tenantId, "identity.link")).toHaveLength(1);
  });

  test("parallel links of one account: exactly one 201, the rest 409", async ({ request }) => {
    const { tenant, headers } = await setup();
    const user = await tenant.addUser();
    const body = { identity_provider_id: tenant.providerId, external_id: "race-1" };
    const statuses = (await Promise.all(Array.from({ length: 6 }, () => link(request, user.id, headers, body)))).map((r) => r.status());
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    expect(await auditEventsOf(tenant.tenantId, "identity.link")).toHaveLength(1);
  });

  test("unknown user: 404 not_found and nothing stored", async ({ request }) => {
    const { tenant, headers } = await setup();
    const response = await withoutChanges(() => link(request, randomUUID(), headers, { identity_provider_id: tenant.providerId, external_id: "ghost" }));
    await expectJitsudoError(response, 404, "not_found");
  });

  test("another tenant's user: 404 not_found and nothing stored", async ({ request }) => {
    const { tenant, headers } = await setup();
    const other = await createTestTenant("jit-other");
    const victim = await other.addUser();
    for (const providerId of [tenant.providerId, other.providerId]) {
      const response = await withoutChanges(() => link(request, victim.id, headers, { identity_provider_id: providerId, external_id: `x-${providerId}` }));
      await expectJitsudoError(response, 404, "not_found");
    }
    expect(await identityRowsOf(victim.id)).toHaveLength(1);
  });
});
