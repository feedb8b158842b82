import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createTestTenant } from "../fixtures/db";
import { expectJitsudoError, identitiesPath, identityRowsOf, jitsudoSetup as setup, withoutChanges } from "./jitsudo-os1-support";

// JITSudo identities, product.md §3: table-driven bad input. Every case is its own test; each must
// get the dialect's error (never a 500) and leave the database exactly as it was.

type Context = { providerId: string; otherTenantProviderId: string };
type BadBody = { title: string; data?: (ctx: Context) => string; detail?: string };
const body = (value: unknown) => () => JSON.stringify(value);

const BAD_BODIES: BadBody[] = [
  { title: "malformed JSON", data: () => '{"identity_provider_id": ' },
  { title: "not JSON at all", data: () => "identity_provider_id=x&external_id=y" },
  { title: "empty body" },
  { title: "JSON null", data: () => "null" },
  { title: "JSON array", data: (c) => JSON.stringify([{ identity_provider_id: c.providerId, external_id: "a" }]) },
  { title: "JSON string", data: body("external_id") },
  { title: "identity_provider_id is a number", data: body({ identity_provider_id: 42, external_id: "a" }), detail: "identity_provider_id" },
  { title: "external_id is a number", data: (c) => JSON.stringify({ identity_provider_id: c.providerId, external_id: 42 }), detail: "external_id" },
  { title: "external_id is an array", data: (c) => JSON.stringify({ identity_provider_id: c.providerId, external_id: ["a"] }), detail: "external_id" },
  {
    title: "external_username is a boolean",
    data: (c) => JSON.stringify({ identity_provider_id: c.providerId, external_id: "a", external_username: true }),
    detail: "external_username",
  },
  { title: "missing identity_provider_id", data: body({ external_id: "a" }), detail: "identity_provider_id" },
  { title: "missing external_id", data: (c) => JSON.stringify({ identity_provider_id: c.providerId }), detail: "external_id" },
  { title: "empty object", data: () => "{}", detail: "identity_provider_id" },
  { title: "non-UUID identity_provider_id", data: body({ identity_provider_id: "okta", external_id: "a" }), detail: "identity_provider_id" },
  {
    title: "upper-case UUID identity_provider_id",
    data: (c) => JSON.stringify({ identity_provider_id: c.providerId.toUpperCase(), external_id: "a" }),
    detail: "identity_provider_id",
  },
  {
    title: "external_id of 201 characters",
    data: (c) => JSON.stringify({ identity_provider_id: c.providerId, external_id: "x".repeat(201) }),
    detail: "external_id",
  },
  { title: "external_id of only spaces", data: (c) => JSON.stringify({ identity_provider_id: c.providerId, external_id: "   " }), detail: "external_id" },
  {
    title: "external_email of 201 characters",
    data: (c) => JSON.stringify({ identity_provider_id: c.providerId, external_id: "a", external_email: `${"e".repeat(191)}@x.example` }),
    detail: "external_email",
  },
  { title: "unknown identity provider", data: () => JSON.stringify({ identity_provider_id: randomUUID(), external_id: "a" }), detail: "identity_provider_id" },
  {
    title: "another tenant's identity provider",
    data: (c) => JSON.stringify({ identity_provider_id: c.otherTenantProviderId, external_id: "a" }),
    detail: "identity_provider_id",
  },
];

test.describe("JITSudo POST bad bodies: 400 invalid_input, never a 500, nothing changed", () => {
  let ctx: Context & { headers: Record<string, string>; userId: string };
  test.beforeAll(async () => {
    const { tenant, headers } = await setup("jit-bad");
    ctx = {
      headers,
      userId: (await tenant.addUser()).id,
      providerId: tenant.providerId,
      otherTenantProviderId: (await createTestTenant("jit-bad-other")).providerId,
    };
  });

  for (const bad of BAD_BODIES) {
    test(bad.title, async ({ request }) => {
      const data = bad.data?.(ctx);
      const response = await withoutChanges(() =>
        request.post(identitiesPath(ctx.userId), { headers: { ...ctx.headers, "content-type": "application/json" }, ...(data !== undefined && { data }) }),
      );
      const error = await expectJitsudoError(response, 400, "invalid_input");
      if (bad.detail) {
        expect(error.details, "details names the offending field").toBeDefined();
        expect(Object.keys(error.details!)).toContain(bad.detail);
      }
      expect(await identityRowsOf(ctx.userId)).toHaveLength(1);
    });
  }
});

test("JITSudo POST with a body over the size limit: 413 (or 400), never a 500, nothing changed", async ({ request }) => {
  const { tenant, headers } = await setup("jit-big");
  const user = await tenant.addUser();
  const data = JSON.stringify({ identity_provider_id: tenant.providerId, external_id: "x".repeat(2 * 1024 * 1024) });
  const response = await withoutChanges(() => request.post(identitiesPath(user.id), { headers: { ...headers, "content-type": "application/json" }, data }));
  expect([400, 413], await response.text()).toContain(response.status());
  await expectJitsudoError(response, response.status(), response.status() === 413 ? "payload_too_large" : "invalid_input");
});

type BadPath = { title: string; path: (userId: string) => string; status: number; code: string };

const BAD_PATHS: BadPath[] = [
  { title: "not a UUID", path: () => "/v1/users/not-a-uuid/identities", status: 400, code: "invalid_input" },
  { title: "upper-case UUID", path: (id) => identitiesPath(id.toUpperCase()), status: 400, code: "invalid_input" },
  { title: "UUID with trailing junk", path: (id) => identitiesPath(`${id}x`), status: 400, code: "invalid_input" },
  { title: "SQL in the id", path: () => `/v1/users/${encodeURIComponent("' or 1=1 --")}/identities`, status: 400, code: "invalid_input" },
  { title: "percent sign in the id", path: () => "/v1/users/100%25/identities", status: 400, code: "invalid_input" },
  { title: "malformed percent-encoding", path: () => "/v1/users/%E0%A4%A/identities", status: 400, code: "invalid_input" },
  { title: "unknown UUID", path: () => identitiesPath(randomUUID()), status: 404, code: "not_found" },
];

test.describe("JITSudo bad user ids in the path: the right error, never a 500, nothing changed", () => {
  let ctx: { headers: Record<string, string>; userId: string; providerId: string };
  test.beforeAll(async () => {
    const { tenant, headers } = await setup("jit-path");
    ctx = { headers, userId: (await tenant.addUser()).id, providerId: tenant.providerId };
  });

  for (const bad of BAD_PATHS) {
    for (const method of ["GET", "POST"] as const) {
      test(`${method} ${bad.title}`, async ({ request }) => {
        const data = method === "POST" ? { data: { identity_provider_id: ctx.providerId, external_id: `p-${randomUUID()}` } } : {};
        const response = await withoutChanges(() => request.fetch(bad.path(ctx.userId), { method, headers: ctx.headers, ...data }));
        expect(response.status(), "never a 500").toBeLessThan(500);
        await expectJitsudoError(response, bad.status, bad.code);
      });
    }
  }

  test("unsupported methods: 405 with Allow, nothing changed", async ({ request }) => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const response = await withoutChanges(() => request.fetch(identitiesPath(ctx.userId), { method, headers: ctx.headers, data: {} }));
      await expectJitsudoError(response, 405, "method_not_allowed");
      expect(response.headers()["allow"]).toBe("GET, POST");
    }
  });
});
