import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { createTestTenant, type TestTenant, type TestToken } from "../fixtures/db";
import { identitiesPath, jitsudoHeaders, mendixHeaders, os1Headers } from "./jitsudo-os1-support";

// product.md "Rate limits": every API response, success or error, on every endpoint of the four
// APIs, carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset.

type Ctx = { tenant: TestTenant; admin: TestToken; noScope: TestToken; other: TestTenant; userId: string };
type Case = { title: string; status: number; send: (request: APIRequestContext, ctx: Ctx) => Promise<APIResponse> };

const LOOKUP = "/api/user-identifiers/v1/uuids";
const lookupBody = (ctx: Ctx) => ({ emailAddresses: [{ emailAddress: `nobody@${ctx.tenant.tenantName}.example` }] });
const deactivate = (userId: string) => `/v1/platform-users/${userId}`;

const MENDIX: Case[] = [
  { title: "Mendix lookup POST 200", status: 200, send: (r, c) => r.post(LOOKUP, { headers: mendixHeaders(c.admin.token), data: lookupBody(c) }) },
  {
    title: "Mendix lookup GET with body 200",
    status: 200,
    send: (r, c) => r.fetch(LOOKUP, { method: "GET", headers: mendixHeaders(c.admin.token), data: lookupBody(c) }),
  },
  { title: "Mendix lookup 400 bad body", status: 400, send: (r, c) => r.post(LOOKUP, { headers: mendixHeaders(c.admin.token), data: { emailAddresses: [] } }) },
  { title: "Mendix lookup 401 no token", status: 401, send: (r, c) => r.post(LOOKUP, { data: lookupBody(c) }) },
  { title: "Mendix lookup 403 missing scope", status: 403, send: (r, c) => r.post(LOOKUP, { headers: mendixHeaders(c.noScope.token), data: lookupBody(c) }) },
  { title: "Mendix lookup 405", status: 405, send: (r, c) => r.put(LOOKUP, { headers: mendixHeaders(c.admin.token), data: lookupBody(c) }) },
  {
    title: "Mendix deactivation 204",
    status: 204,
    send: async (r, c) => r.patch(deactivate((await c.tenant.addUser()).id), { headers: mendixHeaders(c.admin.token), data: { active: false } }),
  },
  {
    title: "Mendix deactivation 400 active:true",
    status: 400,
    send: (r, c) => r.patch(deactivate(c.userId), { headers: mendixHeaders(c.admin.token), data: { active: true } }),
  },
  { title: "Mendix deactivation 401 no token", status: 401, send: (r, c) => r.patch(deactivate(c.userId), { data: { active: false } }) },
  {
    title: "Mendix deactivation 403 missing scope",
    status: 403,
    send: (r, c) => r.patch(deactivate(c.userId), { headers: mendixHeaders(c.noScope.token), data: { active: false } }),
  },
  {
    title: "Mendix deactivation 404 unknown user",
    status: 404,
    send: (r, c) => r.patch(deactivate(randomUUID()), { headers: mendixHeaders(c.admin.token), data: { active: false } }),
  },
  { title: "Mendix deactivation 405", status: 405, send: (r, c) => r.get(deactivate(c.userId), { headers: mendixHeaders(c.admin.token) }) },
];

const jit = (c: Ctx) => jitsudoHeaders(c.admin.token, c.tenant.tenantId);
const link = (c: Ctx) => ({ identity_provider_id: c.tenant.providerId, external_id: `rl-${randomUUID()}` });

const JITSUDO: Case[] = [
  { title: "JITSudo GET 200", status: 200, send: (r, c) => r.get(identitiesPath(c.userId), { headers: jit(c) }) },
  { title: "JITSudo POST 201", status: 201, send: (r, c) => r.post(identitiesPath(c.userId), { headers: jit(c), data: link(c) }) },
  { title: "JITSudo POST 400 bad body", status: 400, send: (r, c) => r.post(identitiesPath(c.userId), { headers: jit(c), data: "{" }) },
  { title: "JITSudo GET 400 missing X-Tenant-ID", status: 400, send: (r, c) => r.get(identitiesPath(c.userId), { headers: { "X-API-Key": c.admin.token } }) },
  { title: "JITSudo GET 401 no token", status: 401, send: (r, c) => r.get(identitiesPath(c.userId), { headers: { "X-Tenant-ID": c.tenant.tenantId } }) },
  {
    title: "JITSudo GET 403 tenant_mismatch",
    status: 403,
    send: (r, c) => r.get(identitiesPath(c.userId), { headers: jitsudoHeaders(c.admin.token, c.other.tenantId) }),
  },
  {
    title: "JITSudo POST 403 missing scope",
    status: 403,
    send: (r, c) => r.post(identitiesPath(c.userId), { headers: jitsudoHeaders(c.noScope.token, c.tenant.tenantId), data: link(c) }),
  },
  { title: "JITSudo GET 404 unknown user", status: 404, send: (r, c) => r.get(identitiesPath(randomUUID()), { headers: jit(c) }) },
  {
    title: "JITSudo POST 409 already linked",
    status: 409,
    send: (r, c) => r.post(identitiesPath(c.userId), { headers: jit(c), data: { identity_provider_id: c.tenant.providerId, external_id: `ext-${c.userId}` } }),
  },
  { title: "JITSudo DELETE 405", status: 405, send: (r, c) => r.delete(identitiesPath(c.userId), { headers: jit(c) }) },
];

const os1 = (c: Ctx) => os1Headers(c.admin.token, c.tenant.tenantId);
const OS1_PATHS = (c: Ctx) => ({
  GetUser: `/api/v1/users/${c.userId}`,
  ListUsers: "/api/v1/users",
  GetUserEmail: `/api/v1/users/email?ids=${c.userId}`,
  GetUserMobile: `/api/v1/users/mobile?ids=${c.userId}`,
});
const OS1_BAD: Record<keyof ReturnType<typeof OS1_PATHS>, string> = {
  GetUser: "/api/v1/users/not-an-id",
  ListUsers: "/api/v1/users?size=0",
  GetUserEmail: "/api/v1/users/email",
  GetUserMobile: `/api/v1/users/mobile?ids=${Array.from({ length: 11 }, () => randomUUID()).join(",")}`,
};

const OS1: Case[] = (Object.keys(OS1_BAD) as (keyof typeof OS1_BAD)[]).flatMap(
  (name) =>
    [
      { title: `OS1 ${name} 200`, status: 200, send: (r, c) => r.get(OS1_PATHS(c)[name], { headers: os1(c) }) },
      { title: `OS1 ${name} 400 bad input`, status: 400, send: (r, c) => r.get(OS1_BAD[name], { headers: os1(c) }) },
      {
        title: `OS1 ${name} 400 missing X-COREOS-TID`,
        status: 400,
        send: (r, c) => r.get(OS1_PATHS(c)[name], { headers: { "X-COREOS-ACCESS": c.admin.token } }),
      },
      { title: `OS1 ${name} 401 no token`, status: 401, send: (r, c) => r.get(OS1_PATHS(c)[name], { headers: { "X-COREOS-TID": c.tenant.tenantId } }) },
      {
        title: `OS1 ${name} 403 other tenant`,
        status: 403,
        send: (r, c) => r.get(OS1_PATHS(c)[name], { headers: os1Headers(c.admin.token, c.other.tenantId) }),
      },
      {
        title: `OS1 ${name} 403 missing scope`,
        status: 403,
        send: (r, c) => r.get(OS1_PATHS(c)[name], { headers: os1Headers(c.noScope.token, c.tenant.tenantId) }),
      },
      { title: `OS1 ${name} 405`, status: 405, send: (r, c) => r.delete(OS1_PATHS(c)[name], { headers: os1(c) }) },
    ] satisfies Case[],
);
OS1.push({ title: "OS1 GetUser 404 unknown user", status: 404, send: (r, c) => r.get(`/api/v1/users/${randomUUID()}`, { headers: os1(c) }) });

const RATE_LIMIT_HEADERS = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"];

function expectRateLimitHeaders(response: APIResponse) {
  const headers = response.headers();
  expect(Object.fromEntries(RATE_LIMIT_HEADERS.map((name) => [name, headers[name]])), "RateLimit-* headers").toEqual({
    "ratelimit-limit": expect.stringMatching(/^\d+$/),
    "ratelimit-remaining": expect.stringMatching(/^\d+$/),
    "ratelimit-reset": expect.stringMatching(/^\d+$/),
  });
  const limit = Number(headers["ratelimit-limit"]);
  expect(limit).toBeGreaterThan(0);
  expect(Number(headers["ratelimit-remaining"])).toBeLessThanOrEqual(limit);
}

test.describe("RateLimit headers on every API response", () => {
  let ctx: Ctx;
  test.beforeAll(async () => {
    const tenant = await createTestTenant("rl-headers");
    ctx = {
      tenant,
      admin: await tenant.addToken(),
      noScope: await tenant.addToken({ scopes: [] }),
      other: await createTestTenant("rl-other"),
      userId: (await tenant.addUser()).id,
    };
  });

  for (const c of [...MENDIX, ...JITSUDO, ...OS1]) {
    test(c.title, async ({ request }) => {
      const response = await c.send(request, ctx);
      expect(response.status(), await response.text()).toBe(c.status);
      expectRateLimitHeaders(response);
    });
  }

  test("HEAD on the GET endpoints", async ({ request }) => {
    for (const path of [identitiesPath(ctx.userId), ...Object.values(OS1_PATHS(ctx))]) {
      const response = await request.head(path, { headers: { ...jit(ctx), ...os1(ctx) } });
      expect(response.status(), path).toBe(200);
      expectRateLimitHeaders(response);
    }
  });

  test("OPTIONS on every API path", async ({ request }) => {
    const missing: string[] = [];
    for (const path of [LOOKUP, deactivate(ctx.userId), identitiesPath(ctx.userId), ...Object.values(OS1_PATHS(ctx))]) {
      const response = await request.fetch(path, { method: "OPTIONS" });
      if (RATE_LIMIT_HEADERS.some((name) => response.headers()[name] === undefined)) missing.push(`${path} (${response.status()})`);
    }
    expect(missing, "OPTIONS responses without RateLimit-* headers").toEqual([]);
  });
});

test("one budget per token, shared by all API routes: Remaining counts down across the dialects", async ({ request }) => {
  const tenant = await createTestTenant("rl-shared");
  const admin = await tenant.addToken();
  const user = await tenant.addUser();
  const remaining: number[] = [];
  const calls = [
    () => request.get(identitiesPath(user.id), { headers: jitsudoHeaders(admin.token, tenant.tenantId) }),
    () => request.get(`/api/v1/users/${user.id}`, { headers: os1Headers(admin.token, tenant.tenantId) }),
    () => request.post(LOOKUP, { headers: mendixHeaders(admin.token), data: { emailAddresses: [{ emailAddress: user.email }] } }),
    () => request.get("/api/v1/users", { headers: os1Headers(admin.token, tenant.tenantId) }),
  ];
  for (const call of calls) {
    const response = await call();
    expect(response.status()).toBe(200);
    remaining.push(Number(response.headers()["ratelimit-remaining"]));
  }
  expect(remaining).toEqual(remaining.map((_, i) => remaining[0]! - i));
});
