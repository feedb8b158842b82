import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createTestTenant, databaseFingerprint, type TestTenant } from "../fixtures/db";
import { markUserInactive } from "../fixtures/rows";
import { callIdentifiers, identifiersError, type CallOptions } from "../fixtures/mendix-specs";

// Mendix User Identifiers API, product.md §1: refused requests. Each is answered in the dialect's
// error shape (checked against user-identifier-api.yaml by callIdentifiers) and changes nothing.
const READ_SCOPE = "mx:mxid3:user-identifiers:uuid:read";
const one = (emailAddress: unknown) => ({ emailAddresses: [{ emailAddress }] });
const emailOfLength = (tenant: TestTenant, length: number) => {
  const domain = `@${tenant.tenantName}.example`;
  return `${"a".repeat(length - domain.length)}${domain}`;
};

type BadInput = { title: string; request: (tenant: TestTenant) => Pick<CallOptions, "data" | "raw" | "method">; errorText: RegExp };

const badInputs: BadInput[] = [
  { title: "malformed JSON", request: () => ({ raw: '{"emailAddresses": [{"emailAddress": "a@b.example"}' }), errorText: /not valid JSON/ },
  { title: "malformed JSON sent with GET", request: () => ({ method: "GET", raw: "{emailAddresses:" }), errorText: /not valid JSON/ },
  { title: "an empty body", request: () => ({ raw: "" }), errorText: /empty/ },
  { title: "GET without a body", request: () => ({ method: "GET" }), errorText: /empty/ },
  { title: "JSON null", request: () => ({ raw: "null" }), errorText: /.+/ },
  { title: "a JSON array instead of an object", request: () => ({ data: [{ emailAddress: "a@b.example" }] }), errorText: /.+/ },
  { title: "missing emailAddresses", request: () => ({ data: {} }), errorText: /emailAddresses/ },
  { title: "emailAddresses is a string", request: () => ({ data: { emailAddresses: "a@b.example" } }), errorText: /emailAddresses/ },
  { title: "emailAddresses holds plain strings", request: () => ({ data: { emailAddresses: ["a@b.example"] } }), errorText: /emailAddresses/ },
  { title: "an item without emailAddress", request: () => ({ data: { emailAddresses: [{ email: "a@b.example" }] } }), errorText: /emailAddress/ },
  { title: "emailAddress is a number", request: () => ({ data: one(42) }), errorText: /emailAddress must be a string/ },
  { title: "emailAddress is null", request: () => ({ data: one(null) }), errorText: /emailAddress must be a string/ },
  { title: "emailAddress is empty", request: () => ({ data: one("") }), errorText: /emailAddress/ },
  { title: "an empty emailAddresses array", request: () => ({ data: { emailAddresses: [] } }), errorText: /at least one/ },
  { title: "an email of 201 characters", request: (t) => ({ data: one(emailOfLength(t, 201)) }), errorText: /200 characters/ },
  {
    title: "1,001 addresses",
    request: (t) => ({ data: { emailAddresses: Array.from({ length: 1001 }, (_, i) => ({ emailAddress: `u${i}@${t.tenantName}.example` })) } }),
    errorText: /at most 1,000 addresses/,
  },
  { title: "a body over 1 MiB", request: (t) => ({ data: one(emailOfLength(t, 1024 * 1024 + 10)) }), errorText: /exceeds the limit/ },
];

test.describe("Mendix User Identifiers API: bad input", () => {
  for (const row of badInputs) {
    test(`${row.title} → 400 INVALID_REQUEST, nothing changes`, async ({ request }) => {
      const tenant = await createTestTenant("mx-ids-bad");
      const user = await tenant.addUser();
      const { token } = await tenant.addToken({ scopes: [READ_SCOPE] });
      const options = row.request(tenant);
      if (row.title === "an email of 201 characters") expect((options.data as ReturnType<typeof one>).emailAddresses[0]!.emailAddress).toHaveLength(201);
      const before = await databaseFingerprint();

      const result = await callIdentifiers(request, { token, ...options });

      expect(result.status).toBe(400);
      expect(result.body).toEqual(identifiersError(400, "INVALID_REQUEST", row.errorText));
      expect(await databaseFingerprint()).toBe(before);
      // The endpoint still answers the same token normally afterwards.
      expect((await callIdentifiers(request, { token, data: one(user.email) })).status).toBe(200);
    });
  }
});

type Credentials = Pick<CallOptions, "token" | "authorization">;

type AuthCase = {
  title: string;
  status: 401 | 403;
  errorCode: string;
  errorText: RegExp;
  auth: (tenant: TestTenant) => Credentials | Promise<Credentials>;
};

const authCases: AuthCase[] = [
  { title: "no Authorization header", status: 401, errorCode: "UNAUTHORIZED", errorText: /No access token/, auth: () => ({ authorization: null }) },
  { title: "an empty Authorization header", status: 401, errorCode: "UNAUTHORIZED", errorText: /No access token/, auth: () => ({ authorization: "" }) },
  {
    title: "a Bearer instead of an MxToken header",
    status: 401,
    errorCode: "UNAUTHORIZED",
    errorText: /authorization header/,
    auth: async (t) => ({ authorization: `Bearer ${(await t.addToken()).token}` }),
  },
  { title: "a garbled token", status: 401, errorCode: "UNAUTHORIZED", errorText: /invalid/, auth: () => ({ token: "rpat_not-a-real-token" }) },
  {
    title: "a well-formed token that was never issued",
    status: 401,
    errorCode: "UNAUTHORIZED",
    errorText: /invalid/,
    auth: () => ({ token: `rpat_${randomUUID().replace(/-/g, "")}_${"A".repeat(43)}` }),
  },
  {
    title: "a token with a wrong secret",
    status: 401,
    errorCode: "UNAUTHORIZED",
    errorText: /invalid/,
    auth: async (t) => ({ token: `${(await t.addToken()).token.slice(0, -43)}${"B".repeat(43)}` }),
  },
  {
    title: "a revoked token",
    status: 401,
    errorCode: "UNAUTHORIZED",
    errorText: /revoked/,
    auth: async (t) => ({ token: (await t.addRevokedToken()).token }),
  },
  {
    title: "an expired token",
    status: 401,
    errorCode: "UNAUTHORIZED",
    errorText: /expired/,
    auth: async (t) => ({ token: (await t.addToken({ expiresAt: Date.now() - 1000 })).token }),
  },
  {
    title: "a token whose owner was deactivated",
    status: 401,
    errorCode: "UNAUTHORIZED",
    errorText: /not active/,
    auth: async (t) => {
      const issued = await t.addToken();
      await markUserInactive(issued.adminUserId, "inactive:deactivated");
      return { token: issued.token };
    },
  },
  {
    title: "a token without the lookup scope",
    status: 403,
    errorCode: "FORBIDDEN",
    errorText: new RegExp(
      `missing required scope\\(s\\): ${READ_SCOPE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, provided scope\\(s\\): users:read mx:user-deactivation:write`,
    ),
    auth: async (t) => ({ token: (await t.addToken({ scopes: ["users:read", "mx:user-deactivation:write"] })).token }),
  },
  {
    title: "a token with no scopes at all",
    status: 403,
    errorCode: "FORBIDDEN",
    errorText: /missing required scope\(s\): mx:mxid3:user-identifiers:uuid:read, provided scope\(s\): /,
    auth: async (t) => ({ token: (await t.addToken({ scopes: [] })).token }),
  },
];

test.describe("Mendix User Identifiers API: credentials", () => {
  for (const row of authCases) {
    test(`${row.title} → ${row.status} ${row.errorCode}, nothing changes`, async ({ request }) => {
      const tenant = await createTestTenant("mx-ids-auth");
      const user = await tenant.addUser();
      const auth = await row.auth(tenant);
      const before = await databaseFingerprint();

      for (const method of ["POST", "GET"]) {
        const result = await callIdentifiers(request, { ...auth, method, data: one(user.email) });
        expect(result.status).toBe(row.status);
        expect(result.body).toEqual(identifiersError(row.status, row.errorCode, row.errorText));
        // A refused caller learns nothing about the tenant's users.
        expect(result.text).not.toContain(user.id);
      }
      expect(await databaseFingerprint()).toBe(before);
    });
  }

  // OPTIONS too: the endpoint, not the framework, must answer it (see the Allow header).
  for (const method of ["PUT", "PATCH", "DELETE", "OPTIONS"]) {
    test(`${method} → 405 with an empty text/plain body, nothing changes`, async ({ request }) => {
      const tenant = await createTestTenant("mx-ids-405");
      const user = await tenant.addUser();
      const { token } = await tenant.addToken();
      const before = await databaseFingerprint();

      const result = await callIdentifiers(request, { token, method, data: one(user.email) });

      expect(result.status).toBe(405);
      expect(result.headers.allow).toBe("POST, GET");
      expect(result.headers["content-type"]).toMatch(/^text\/plain/);
      expect(result.text).toBe("");
      expect(await databaseFingerprint()).toBe(before);
    });
  }
});
