import { expect, test, type APIResponse } from "@playwright/test";
import { issueToken } from "@/lib/auth/tokens";
import { createTestTenant } from "../fixtures/db";
import { userRow } from "../fixtures/rows";
import {
  createScimSetup,
  createUser,
  expectScimError,
  identitiesOfProvider,
  patchOp,
  revokeSetupToken,
  scimClient,
  scimJson,
  scimResource,
  userBody,
  usersPath,
  type ListResponse,
} from "../fixtures/scim";

// RFC 7644 §2 (authentication), §3.1 (media type), §3.12 (error schema); ADR 0017: a provider sees
// only the users it provisions, and a provisioning token opens nothing but /scim/v2.

async function expectUnauthorized(response: APIResponse) {
  await expectScimError(response, 401);
  expect(response.headers()["www-authenticate"]).toMatch(/^Bearer\b/);
}

test.describe("SCIM authentication", () => {
  test("no, malformed, unknown and revoked tokens → 401 SCIM error with WWW-Authenticate", async ({ request }) => {
    const setup = await createScimSetup("auth-401");
    const unknown = issueToken("scim").token;
    const cases: [string, Record<string, string>][] = [
      ["none", {}],
      ["Basic", { authorization: "Basic dXNlcjpwYXNz" }],
      ["Bearer without a token", { authorization: "Bearer" }],
      ["not a token", { authorization: "Bearer abc.def.ghi" }],
      ["unknown", { authorization: `Bearer ${unknown}` }],
      ["secret of another", { authorization: `Bearer ${setup.token.slice(0, -4)}AAAA` }],
    ];
    for (const [label, headers] of cases) {
      await test.step(label, async () => {
        await expectUnauthorized(await request.get(usersPath(), { headers, failOnStatusCode: false }));
        await expectUnauthorized(
          await request.post(usersPath(), { headers: { ...headers, "content-type": "application/scim+json" }, data: "{}", failOnStatusCode: false }),
        );
      });
    }
    const scim = scimClient(request, setup);
    expect((await scim.get(usersPath())).status()).toBe(200);
    await revokeSetupToken(setup);
    await expectUnauthorized(await scim.get(usersPath()));
    await expectUnauthorized(await scim.get("/scim/v2/ServiceProviderConfig"));
  });

  test("a personal access token is refused on /scim/v2; a provisioning token on every other API", async ({ request }) => {
    const setup = await createScimSetup("auth-cross");
    const admin = await setup.tenant.addToken();
    await expectUnauthorized(await request.get(usersPath(), { headers: { authorization: `Bearer ${admin.token}` }, failOnStatusCode: false }));

    const user = await setup.tenant.addUser();
    const jitsudo = await request.get(`/v1/users/${user.id}/identities`, {
      headers: { "X-API-Key": setup.token, "X-Tenant-ID": setup.tenant.tenantId },
      failOnStatusCode: false,
    });
    expect(jitsudo.status()).toBe(401);
    const mendix = await request.post("/api/user-identifiers/v1/uuids", {
      headers: { authorization: `MxToken ${setup.token}` },
      data: { data: { emailAddresses: [{ emailAddress: user.email }] } },
      failOnStatusCode: false,
    });
    expect(mendix.status()).toBe(401);
    const deactivation = await request.patch(`/v1/platform-users/${user.id}`, {
      headers: { authorization: `MxToken ${setup.token}` },
      data: { active: false },
      failOnStatusCode: false,
    });
    expect(deactivation.status()).toBe(401);
    const os1 = await request.get("/api/v1/users", {
      headers: { "X-COREOS-ACCESS": setup.token, "X-COREOS-TID": setup.tenant.tenantId },
      failOnStatusCode: false,
    });
    expect(os1.status()).toBe(401);
    expect(await userRow(user.id)).toMatchObject({ active: true });
  });
});

test.describe("SCIM isolation", () => {
  test("another provider of the tenant, and a provider of another tenant, see none of a provider's users", async ({ request }) => {
    const first = await createScimSetup("iso-first");
    const sibling = await createScimSetup("iso-sibling", { tenant: first.tenant });
    const stranger = await createScimSetup("iso-stranger", { tenant: await createTestTenant("iso-other") });
    const data = userBody(first, { externalId: "iso-ext" });
    const user = await createUser(scimClient(request, first), data);

    for (const other of [sibling, stranger]) {
      const scim = scimClient(request, other);
      await expectScimError(await scim.get(usersPath(user.id)), 404);
      await expectScimError(await scim.put(usersPath(user.id), { ...data, title: "Hijacked" }), 404);
      await expectScimError(await scim.patch(usersPath(user.id), patchOp({ op: "replace", path: "active", value: false })), 404);
      await expectScimError(await scim.delete(usersPath(user.id)), 404);
      for (const filter of [undefined, `userName eq "${data.userName}"`, `externalId eq "iso-ext"`, `id eq "${user.id}"`]) {
        const list = await scimJson<ListResponse>(await scim.get(usersPath(), { params: filter ? { filter } : {} }), 200);
        expect(list.totalResults, filter ?? "all").toBe(0);
        expect(list.Resources ?? []).toEqual([]);
      }
    }
    expect(await scimResource(await scimClient(request, first).get(usersPath(user.id)))).toEqual(user);
    expect(await userRow(user.id)).toMatchObject({ active: true });

    // ADR 0017: the sibling provider may provision the same person; it links the same Roster user.
    const linked = await createUser(scimClient(request, sibling), userBody(sibling, { userName: data.userName }));
    expect(linked.id).toBe(user.id);
    expect((await identitiesOfProvider(first.providerId)).map((row) => row.userId)).toEqual([user.id]);
    expect((await identitiesOfProvider(sibling.providerId)).map((row) => row.userId)).toEqual([user.id]);
    // The stranger's tenant gets a person of its own.
    const separate = await createUser(scimClient(request, stranger), userBody(stranger, { userName: data.userName }));
    expect(separate.id).not.toBe(user.id);
  });
});

test.describe("SCIM media type and error shape", () => {
  test("bodies are accepted as application/scim+json and application/json; answers are application/scim+json", async ({ request }) => {
    const setup = await createScimSetup("media");
    const scim = scimClient(request, setup);
    const asScim = await createUser(scim, userBody(setup));
    const asJson = await scimResource(await scim.post(usersPath(), userBody(setup), { headers: { "content-type": "application/json" } }), 201);
    expect(asJson.id).not.toBe(asScim.id);
    const patched = await scim.patch(usersPath(asJson.id), patchOp({ op: "replace", path: "title", value: "Json" }), {
      headers: { "content-type": "application/json; charset=utf-8" },
      params: { attributes: "title" },
    });
    expect((await scimJson(patched, 200)).title).toBe("Json");
    for (const path of ["/scim/v2/ServiceProviderConfig", "/scim/v2/ResourceTypes", "/scim/v2/Schemas", usersPath()]) {
      expect((await scim.get(path)).headers()["content-type"], path).toMatch(/^application\/scim\+json/);
    }
  });

  for (const raw of ["{not json", "", "[]", '"a string"', "null"]) {
    test(`a broken body (${JSON.stringify(raw)}) is 400 invalidSyntax on POST, PUT and PATCH, never 500`, async ({ request }) => {
      const setup = await createScimSetup("syntax");
      const scim = scimClient(request, setup);
      const user = await createUser(scim, userBody(setup));
      await expectScimError(await scim.post(usersPath(), raw), 400, "invalidSyntax");
      await expectScimError(await scim.put(usersPath(user.id), raw), 400, "invalidSyntax");
      await expectScimError(await scim.patch(usersPath(user.id), raw), 400, "invalidSyntax");
    });
  }

  test("half a surrogate pair (a lone \\uD800 escape) is 400 invalidValue on POST and PATCH, on either database, and nothing is kept", async ({ request }) => {
    const setup = await createScimSetup("surrogate");
    const scim = scimClient(request, setup);
    const user = await createUser(scim, userBody(setup));
    const fresh = userBody(setup);
    const raw = JSON.stringify({ ...fresh, displayName: "Eve LONE" }).replace("LONE", "\\ud800");
    await expectScimError(await scim.post(usersPath(), raw), 400, "invalidValue");
    const listed = await scim.get(usersPath(), { params: { filter: `userName eq "${fresh.userName}"` } });
    expect((await scimJson<ListResponse>(listed, 200)).totalResults).toBe(0);
    const patch = JSON.stringify(patchOp({ op: "replace", path: "displayName", value: "LONE" })).replace("LONE", "\\udc00");
    await expectScimError(await scim.patch(usersPath(user.id), patch), 400, "invalidValue");
  });

  test("attributes of the wrong type are 400 invalidSyntax or invalidValue", async ({ request }) => {
    const setup = await createScimSetup("types");
    const scim = scimClient(request, setup);
    await expectScimError(await scim.post(usersPath(), userBody(setup, { emails: "not-a-list" })), 400, ["invalidSyntax", "invalidValue"]);
    await expectScimError(await scim.post(usersPath(), userBody(setup, { active: "perhaps" })), 400, ["invalidSyntax", "invalidValue"]);
  });

  test("no Groups, no Bulk, no such paths: 404 in SCIM's shape; a wrong method: 405 in SCIM's shape", async ({ request }) => {
    const setup = await createScimSetup("groups");
    const scim = scimClient(request, setup);
    for (const path of ["/scim/v2/Groups", "/scim/v2/Groups/abf4dd94-a4c0-4f67-89c9-76b03340cb9b", "/scim/v2/Bulk", "/scim/v2/Nope"]) {
      await expectScimError(await scim.get(path), 404);
    }
    await expectScimError(
      await scim.post("/scim/v2/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Test SCIMv2", members: [] }),
      404,
    );
    const wrongMethod = await scim.patch(usersPath(), patchOp({ op: "replace", path: "title", value: "x" }));
    await expectScimError(wrongMethod, 405);
    expect(wrongMethod.headers()["allow"]).toContain("GET");
  });
});
