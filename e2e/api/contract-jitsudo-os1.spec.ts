import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTestTenant, type TestTenant } from "../fixtures/db";
import { createResponseValidator, type OpenApiDocumentLike, type ResponseValidator } from "../fixtures/openapi-validator";

// JITSudo and OS1 (product.md §3 and §4) against the server's own /api/openapi.json: every
// response, success or error, must be what the document says for its path, method and status,
// body and required headers (RateLimit-*, Retry-After, X-COREOS-REQUEST-ID).

let validator: ResponseValidator;

test.beforeAll(async ({ playwright }) => {
  const context = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const response = await context.get("/api/openapi.json");
  expect(response.status()).toBe(200);
  validator = createResponseValidator((await response.json()) as OpenApiDocumentLike);
  await context.dispose();
});

type Sent = { headers?: Record<string, string>; data?: unknown; raw?: string };
type Answer = { status: number; headers: Record<string, string>; body: unknown };

/** Sends one request and checks the answer against the document for `template`. */
async function send(request: APIRequestContext, method: string, url: string, template: string, sent: Sent = {}): Promise<Answer> {
  const headers = { ...sent.headers, ...(sent.data !== undefined || sent.raw !== undefined ? { "content-type": "application/json" } : {}) };
  const response = await request.fetch(url, {
    method,
    headers,
    data: sent.raw ?? (sent.data === undefined ? undefined : JSON.stringify(sent.data)),
    failOnStatusCode: false,
    maxRedirects: 0,
  });
  const text = await response.text();
  const responseHeaders = response.headers();
  const contentType = responseHeaders["content-type"];
  const body = text === "" ? undefined : /json/i.test(contentType ?? "") ? JSON.parse(text) : text;
  expect(response.status(), `${method} ${url}: ${text.slice(0, 300)}`).toBeLessThan(500);
  validator.validate(method, template, response.status(), body, contentType);
  validator.validateHeaders(method, template, response.status(), responseHeaders);
  return { status: response.status(), headers: responseHeaders, body };
}

// ---- JITSudo ---------------------------------------------------------------------------------
const IDENTITIES = "/v1/users/{id}/identities";
const identitiesUrl = (userId: string) => `/v1/users/${userId}/identities`;
const jitsudoAuth = (token: string, tenantId: string) => ({ "X-API-Key": token, "X-Tenant-ID": tenantId });

test.describe("JITSudo identities against /api/openapi.json", () => {
  test("GET lists a user's identities with X-API-Key or Authorization: Bearer → 200", async ({ request }) => {
    const tenant = await createTestTenant("jit-list");
    const user = await tenant.addUser();
    const { token } = await tenant.addToken({ scopes: ["users:read"] });

    const withKey = await send(request, "GET", identitiesUrl(user.id), IDENTITIES, { headers: jitsudoAuth(token, tenant.tenantId) });
    const withBearer = await send(request, "GET", identitiesUrl(user.id), IDENTITIES, {
      headers: { authorization: `Bearer ${token}`, "X-Tenant-ID": tenant.tenantId },
    });

    expect(withKey.status).toBe(200);
    expect(withKey.body).toEqual({
      data: [
        expect.objectContaining({
          user_id: user.id,
          identity_provider_id: tenant.providerId,
          provider_name: "Test OIDC",
          provider_type: "oidc",
          external_id: `ext-${user.id}`,
          external_email: user.email,
          linked_by: "auto",
        }),
      ],
    });
    expect(withBearer.body).toEqual(withKey.body);
  });

  test("POST links an identity → 201 (linked_by manual); the same account again → 409", async ({ request }) => {
    const tenant = await createTestTenant("jit-link");
    const user = await tenant.addUser();
    const { token } = await tenant.addToken();
    const headers = jitsudoAuth(token, tenant.tenantId);
    const link = { identity_provider_id: tenant.providerId, external_id: `okta-${randomUUID()}`, external_username: "jane" };

    const created = await send(request, "POST", identitiesUrl(user.id), IDENTITIES, { headers, data: link });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: expect.objectContaining({ user_id: user.id, external_id: link.external_id, external_username: "jane", linked_by: "manual" }),
    });

    const listed = await send(request, "GET", identitiesUrl(user.id), IDENTITIES, { headers });
    expect((listed.body as { data: unknown[] }).data).toContainEqual((created.body as { data: unknown }).data);

    const again = await send(request, "POST", identitiesUrl(user.id), IDENTITIES, { headers, data: link });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "conflict", details: { external_id: expect.any(String) } });
  });

  const badInputs: { title: string; method: string; user?: string; sent: (tenant: TestTenant, other: TestTenant) => Sent; detail?: string }[] = [
    { title: "a user id that is not a UUID", method: "GET", user: "not-a-uuid", sent: () => ({}), detail: "path.id" },
    { title: "no external_id", method: "POST", sent: (t) => ({ data: { identity_provider_id: t.providerId } }), detail: "external_id" },
    {
      title: "an identity_provider_id that is not a UUID",
      method: "POST",
      sent: () => ({ data: { identity_provider_id: "okta", external_id: "x" } }),
      detail: "identity_provider_id",
    },
    {
      title: "another tenant's identity provider",
      method: "POST",
      sent: (_t, other) => ({ data: { identity_provider_id: other.providerId, external_id: "x" } }),
      detail: "identity_provider_id",
    },
    { title: "malformed JSON", method: "POST", sent: () => ({ raw: '{"external_id": ' }) },
  ];
  for (const row of badInputs) {
    test(`${row.title} → 400 invalid_input`, async ({ request }) => {
      const tenant = await createTestTenant("jit-bad");
      const other = await createTestTenant("jit-bad-other");
      const user = await tenant.addUser();
      const { token } = await tenant.addToken();
      const answer = await send(request, row.method, identitiesUrl(row.user ?? user.id), IDENTITIES, {
        headers: jitsudoAuth(token, tenant.tenantId),
        ...row.sent(tenant, other),
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: "invalid_input", message: expect.any(String) });
      if (row.detail) expect(Object.keys((answer.body as { details: object }).details)).toContain(row.detail);
    });
  }

  test("a missing X-Tenant-ID → 400; no or a wrong credential → 401", async ({ request }) => {
    const tenant = await createTestTenant("jit-401");
    const user = await tenant.addUser();
    const { token } = await tenant.addToken();
    const url = identitiesUrl(user.id);

    const noTenant = await send(request, "GET", url, IDENTITIES, { headers: { "X-API-Key": token } });
    expect(noTenant.status).toBe(400);
    expect(noTenant.body).toMatchObject({ code: "invalid_input", details: { "X-Tenant-ID": "required" } });
    const attempts: Record<string, string>[] = [
      {},
      { "X-Tenant-ID": tenant.tenantId },
      jitsudoAuth(`${token}x`, tenant.tenantId),
      { authorization: "Basic abc", "X-Tenant-ID": tenant.tenantId },
    ];
    for (const headers of attempts) {
      const answer = await send(request, "GET", url, IDENTITIES, { headers });
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.body).toMatchObject({ code: "unauthorized" });
    }
  });

  test("403 tenant_mismatch for another tenant's X-Tenant-ID; 403 forbidden with the deciding policies in notices", async ({ request }) => {
    const tenant = await createTestTenant("jit-403");
    const other = await createTestTenant("jit-403-other");
    const user = await tenant.addUser();
    const admin = await tenant.addToken();
    const readOnly = await tenant.addToken({ scopes: ["users:read"] });
    const helpdesk = await tenant.addToken({ role: "helpdesk" });
    const link = { identity_provider_id: tenant.providerId, external_id: "x-1" };

    const mismatch = await send(request, "GET", identitiesUrl(user.id), IDENTITIES, { headers: jitsudoAuth(admin.token, other.tenantId) });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body).toEqual({ code: "tenant_mismatch", message: expect.any(String), notices: ["tenant-isolation"] });

    const noScope = await send(request, "POST", identitiesUrl(user.id), IDENTITIES, { headers: jitsudoAuth(readOnly.token, tenant.tenantId), data: link });
    expect(noScope.status).toBe(403);
    expect(noScope.body).toMatchObject({ code: "forbidden", notices: expect.arrayContaining(["scope-required:identities:write"]) });

    const notAdmin = await send(request, "POST", identitiesUrl(user.id), IDENTITIES, { headers: jitsudoAuth(helpdesk.token, tenant.tenantId), data: link });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body).toMatchObject({ code: "forbidden", notices: expect.arrayContaining(["linking-requires-admin-role"]) });
  });

  test("404 not_found for an unknown user and for another tenant's user", async ({ request }) => {
    const tenant = await createTestTenant("jit-404");
    const elsewhere = await (await createTestTenant("jit-404-other")).addUser();
    const { token } = await tenant.addToken();
    const headers = jitsudoAuth(token, tenant.tenantId);
    for (const id of [randomUUID(), elsewhere.id]) {
      const listed = await send(request, "GET", identitiesUrl(id), IDENTITIES, { headers });
      const linked = await send(request, "POST", identitiesUrl(id), IDENTITIES, {
        headers,
        data: { identity_provider_id: tenant.providerId, external_id: "x" },
      });
      expect([listed.status, linked.status]).toEqual([404, 404]);
      expect(listed.body).toMatchObject({ code: "not_found" });
    }
  });

  test("PUT, PATCH, DELETE and OPTIONS → 405 method_not_allowed with Allow: GET, POST", async ({ request }) => {
    const tenant = await createTestTenant("jit-405");
    const user = await tenant.addUser();
    const { token } = await tenant.addToken();
    for (const method of ["PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const answer = await send(request, method, identitiesUrl(user.id), IDENTITIES, { headers: jitsudoAuth(token, tenant.tenantId), data: {} });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe("GET, POST");
      expect(answer.body).toMatchObject({ code: "method_not_allowed" });
    }
  });

  test("a body over the size limit → 413 payload_too_large", async ({ request }) => {
    const tenant = await createTestTenant("jit-413");
    const user = await tenant.addUser();
    const { token } = await tenant.addToken();
    const data = { identity_provider_id: tenant.providerId, external_id: "x".repeat(1024 * 1024 + 10) };
    const answer = await send(request, "POST", identitiesUrl(user.id), IDENTITIES, { headers: jitsudoAuth(token, tenant.tenantId), data });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: "payload_too_large" });
  });
});

// ---- OS1 -------------------------------------------------------------------------------------
const USERS = "/api/v1/users";
const USER = "/api/v1/users/{userId}";
const EMAIL = "/api/v1/users/email";
const MOBILE = "/api/v1/users/mobile";
const os1Auth = (token: string, tenantId: string, requestId = `req-${randomUUID()}`) => ({
  "X-COREOS-ACCESS": token,
  "X-COREOS-TID": tenantId,
  "X-COREOS-REQUEST-ID": requestId,
});

test.describe("OS1 User API against /api/openapi.json", () => {
  test("GetUser by uuid, user:, users: and ref: → 200; includeProperties=false leaves properties out", async ({ request }) => {
    const tenant = await createTestTenant("os1-get");
    const user = await tenant.addUser({ name: "Jane Doe" });
    const { token } = await tenant.addToken({ scopes: ["users:read"] });
    const headers = os1Auth(token, tenant.tenantId, "my-request-1");

    const byId = await send(request, "GET", `${USERS}/${user.id}`, USER, { headers });
    expect(byId.status).toBe(200);
    expect(byId.headers["x-coreos-request-id"]).toBe("my-request-1");
    expect(byId.body).toMatchObject({
      error: null,
      data: { id: `user:${user.id}`, name: "Jane Doe", email: user.email, properties: expect.any(Object) },
      request: { uri: `${USERS}/${user.id}`, requestId: "my-request-1", method: "GET" },
    });
    const uniqueCode = (byId.body as { data: { uniqueCode: string } }).data.uniqueCode;
    for (const id of [`user:${user.id}`, `users:${user.id}`, `ref:${uniqueCode}`]) {
      const answer = await send(request, "GET", `${USERS}/${encodeURIComponent(id)}`, USER, { headers });
      expect(answer.status, id).toBe(200);
      expect((answer.body as { data: unknown }).data).toEqual((byId.body as { data: unknown }).data);
    }
    const lean = await send(request, "GET", `${USERS}/${user.id}?includeProperties=false`, USER, { headers });
    expect((lean.body as { data: object }).data).not.toHaveProperty("properties");
  });

  test("ListUsers → 200 with meta, select projection and additionalInfo", async ({ request }) => {
    const tenant = await createTestTenant("os1-list");
    const first = await tenant.addUser({ name: "Alpha" });
    await tenant.addUser({ name: "Beta" });
    const { token } = await tenant.addToken({ scopes: ["users:read"] });
    const headers = os1Auth(token, tenant.tenantId);

    const all = await send(request, "GET", USERS, USERS, { headers });
    expect(all.body).toMatchObject({ error: null, data: { meta: { totalElements: 3, totalPages: 1, page: 1, size: 20 } } });

    const projected = await send(request, "GET", `${USERS}?page=1&size=1&select=name,email&additionalInfo=true&sortBy=asc&sortKey=name&query=alpha`, USERS, {
      headers,
    });
    expect(projected.body).toMatchObject({
      data: {
        meta: { totalElements: 1, totalPages: 1, page: 1, size: 1 },
        users: [{ id: `user:${first.id}`, name: "Alpha", email: first.email, additionalInfo: { active: true, deactivatedAt: null, identitiesCount: 1 } }],
      },
    });
    expect(Object.keys((projected.body as { data: { users: object[] } }).data.users[0]!).sort()).toEqual(["additionalInfo", "email", "id", "name"]);
  });

  test("GetUserEmail and GetUserMobile → 200; ids that are not ids are ignored", async ({ request }) => {
    const tenant = await createTestTenant("os1-contact");
    const user = await tenant.addUser();
    const { token } = await tenant.addToken({ scopes: ["users:read"] });
    const headers = os1Auth(token, tenant.tenantId);

    const emails = await send(request, "GET", `${EMAIL}?ids=user:${user.id},nonsense`, EMAIL, { headers });
    expect(emails.body).toMatchObject({ error: null, data: { meta: { totalElements: 1 }, users: [{ userId: `user:${user.id}`, email: user.email }] } });
    const mobiles = await send(request, "GET", `${MOBILE}?userId=${user.id}`, MOBILE, { headers });
    expect(mobiles.body).toMatchObject({
      data: { meta: { totalElements: 1 }, users: [{ userId: `user:${user.id}`, primaryMobile: null, secondaryMobile: null }] },
    });
  });

  const badInputs: [string, string, string][] = [
    ["GetUser with an id that is not an id", `${USERS}/not-an-id`, USER],
    ["ListUsers with an unknown sortKey", `${USERS}?sortKey=salary`, USERS],
    ["ListUsers with size 0", `${USERS}?size=0`, USERS],
    ["ListUsers with size 101", `${USERS}?size=101`, USERS],
    ["ListUsers with page abc", `${USERS}?page=abc`, USERS],
    ["ListUsers selecting an unknown attribute", `${USERS}?select=name,salary`, USERS],
    ["GetUserEmail with 11 ids", `${EMAIL}?ids=${Array.from({ length: 11 }, () => randomUUID()).join(",")}`, EMAIL],
    ["GetUserEmail without ids", EMAIL, EMAIL],
    ["GetUserMobile with an empty ids", `${MOBILE}?ids=`, MOBILE],
  ];
  for (const [title, url, template] of badInputs) {
    test(`${title} → 400 BAD_REQUEST`, async ({ request }) => {
      const tenant = await createTestTenant("os1-bad");
      const { token } = await tenant.addToken({ scopes: ["users:read"] });
      const answer = await send(request, "GET", url, template, { headers: os1Auth(token, tenant.tenantId) });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: "BAD_REQUEST" }, data: null, request: { method: "GET" } });
    });
  }

  test("a missing X-COREOS-TID → 400; no or a wrong token → 401", async ({ request }) => {
    const tenant = await createTestTenant("os1-401");
    const { token } = await tenant.addToken({ scopes: ["users:read"] });
    const noTenant = await send(request, "GET", USERS, USERS, { headers: { "X-COREOS-ACCESS": token } });
    expect(noTenant.status).toBe(400);
    for (const headers of [{ "X-COREOS-TID": tenant.tenantId }, os1Auth(`${token}x`, tenant.tenantId)]) {
      for (const [url, template] of [
        [USERS, USERS],
        [`${EMAIL}?ids=${randomUUID()}`, EMAIL],
      ]) {
        const answer = await send(request, "GET", url!, template!, { headers });
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({ error: { code: "UNAUTHORIZED" }, data: null });
      }
    }
  });

  test("403 TENANT_MISMATCH for another tenant's X-COREOS-TID; 403 FORBIDDEN without users:read", async ({ request }) => {
    const tenant = await createTestTenant("os1-403");
    const other = await createTestTenant("os1-403-other");
    const user = await tenant.addUser();
    const reader = await tenant.addToken({ scopes: ["users:read"] });
    const noRead = await tenant.addToken({ scopes: ["mx:mxid3:user-identifiers:uuid:read"] });

    const mismatch = await send(request, "GET", `${USERS}/${user.id}`, USER, { headers: os1Auth(reader.token, other.tenantId) });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body).toMatchObject({ error: { code: "TENANT_MISMATCH" }, data: null });
    for (const [url, template] of [
      [`${USERS}/${user.id}`, USER],
      [USERS, USERS],
      [`${EMAIL}?ids=${user.id}`, EMAIL],
      [`${MOBILE}?ids=${user.id}`, MOBILE],
    ]) {
      const answer = await send(request, "GET", url!, template!, { headers: os1Auth(noRead.token, tenant.tenantId) });
      expect(answer.status, url).toBe(403);
      expect(answer.body).toMatchObject({ error: { code: "FORBIDDEN" }, data: null });
    }
  });

  test("GetUser of an unknown user or another tenant's user → 404", async ({ request }) => {
    const tenant = await createTestTenant("os1-404");
    const elsewhere = await (await createTestTenant("os1-404-other")).addUser();
    const { token } = await tenant.addToken({ scopes: ["users:read"] });
    for (const id of [randomUUID(), `user:${elsewhere.id}`, "ref:NO-SUCH-CODE"]) {
      const answer = await send(request, "GET", `${USERS}/${encodeURIComponent(id)}`, USER, { headers: os1Auth(token, tenant.tenantId) });
      expect(answer.status, id).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: "NOT_FOUND" }, data: null });
    }
  });

  test("POST, PUT, PATCH, DELETE and OPTIONS on every OS1 path → 405 with Allow: GET", async ({ request }) => {
    const tenant = await createTestTenant("os1-405");
    const { token } = await tenant.addToken({ scopes: ["users:read"] });
    const id = randomUUID();
    for (const [url, template] of [
      [USERS, USERS],
      [`${USERS}/${id}`, USER],
      [EMAIL, EMAIL],
      [MOBILE, MOBILE],
    ]) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
        const answer = await send(request, method, url!, template!, { headers: os1Auth(token, tenant.tenantId) });
        expect(answer.status, `${method} ${url}`).toBe(405);
        expect(answer.headers.allow).toBe("GET");
        expect(answer.body).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" }, data: null });
      }
    }
  });
});

// ---- the checks themselves ---------------------------------------------------------------------
test("the contract check rejects a body, a status and a header the document does not allow", async ({ request }) => {
  const tenant = await createTestTenant("contract-self");
  const user = await tenant.addUser();
  const { token } = await tenant.addToken();
  const answer = await send(request, "GET", identitiesUrl(user.id), IDENTITIES, { headers: jitsudoAuth(token, tenant.tenantId) });
  const [identity] = (answer.body as { data: Record<string, unknown>[] }).data;
  const withoutLinkedBy = { ...identity };
  delete withoutLinkedBy.linked_by;

  expect(() => validator.validate("GET", IDENTITIES, 200, { data: [withoutLinkedBy] }, "application/json")).toThrow(/must have required property 'linked_by'/);
  expect(() => validator.validate("GET", IDENTITIES, 200, { data: [{ ...identity, created_at: 1700000000 }] }, "application/json")).toThrow(
    /\/data\/0\/created_at must be string/,
  );
  expect(() => validator.validate("GET", USERS, 200, { error: "oops", data: null, request: {} }, "application/json")).toThrow(/does not match the document/);
  expect(() => validator.validate("GET", IDENTITIES, 418, {}, "application/json")).toThrow(/status 418 is not documented/);
  expect(() => validator.validateHeaders("GET", IDENTITIES, 200, { "content-type": "application/json" })).toThrow(/RateLimit-Limit is required but missing/);
});

test("/api/openapi.json answers 200 application/json with an OpenAPI 3.1 document", async ({ request }) => {
  const response = await request.get("/api/openapi.json");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^application\/json/);
  const document = await response.json();
  expect(document).toMatchObject({
    openapi: "3.1.0",
    paths: { [IDENTITIES]: { get: expect.any(Object), post: expect.any(Object) }, [USER]: { get: expect.any(Object) } },
  });
});

test("the API reference page renders the four APIs and is linked from the landing page", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "API reference" }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page).toHaveTitle("API reference · Roster");
  await expect(page.getByRole("heading", { level: 1, name: "Roster API reference" })).toBeVisible();
  const main = page.getByRole("main");
  for (const group of ["Mendix User Identifiers", "Mendix User Deactivation", "JITSudo", "OS1"]) {
    await expect(main.getByRole("heading", { level: 2, name: group, exact: true })).toBeVisible();
  }
  const listIdentities = main.getByRole("article").filter({ has: page.getByRole("heading", { level: 3, name: /GET \/v1\/users\/\{id\}\/identities/ }) });
  await expect(listIdentities.getByRole("table", { name: /Responses of GET/ })).toContainText("tenant_mismatch");
  await expect(listIdentities.locator("pre")).toContainText('-H "X-API-Key: $ROSTER_PAT"');
  await expect(page.getByRole("navigation", { name: "APIs and endpoints" }).getByRole("link", { name: "PATCH /v1/platform-users/{uuid}" })).toBeVisible();
  await expect(page.getByRole("link", { name: "/api/openapi.json", exact: true })).toHaveAttribute("href", "/api/openapi.json");
});
