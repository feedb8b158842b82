import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createTestTenant, databaseFingerprint, type TestTenant, type TestToken } from "../fixtures/db";
import { markUserInactive, userRow } from "../fixtures/rows";
import { callDeactivation, deactivationError, type CallOptions } from "../fixtures/mendix-specs";

// Mendix User Deactivation API, product.md §2: refused requests. Each is answered in the dialect's
// error shape (checked against user-deactivation-api.yaml by callDeactivation) and changes nothing.
const WRITE_SCOPE = "mx:user-deactivation:write";
const DEACTIVATE = { active: false };

type Setup = { tenant: TestTenant; user: { id: string; email: string }; stranger: { id: string; email: string } };
type BadInput = { title: string; target?: (setup: Setup) => string; body: Pick<CallOptions, "data" | "raw">; status: 400 | 404; detail: RegExp };

const badInputs: BadInput[] = [
  { title: "malformed JSON", body: { raw: '{"active": fal' }, status: 400, detail: /not valid JSON/ },
  { title: "an empty body", body: { raw: "" }, status: 400, detail: /empty/ },
  { title: "JSON null", body: { raw: "null" }, status: 400, detail: /.+/ },
  { title: "a JSON array", body: { data: [DEACTIVATE] }, status: 400, detail: /.+/ },
  { title: "a missing active field", body: { data: {} }, status: 400, detail: /active/ },
  { title: 'active as the string "false"', body: { data: { active: "false" } }, status: 400, detail: /active must be a boolean/ },
  { title: "active as the number 0", body: { data: { active: 0 } }, status: 400, detail: /active must be a boolean/ },
  { title: "active null", body: { data: { active: null } }, status: 400, detail: /active must be a boolean/ },
  { title: '{"active": true} (the API only deactivates)', body: { data: { active: true } }, status: 400, detail: /active: must be false/ },
  { title: "a body over 1 MiB", body: { data: { active: false, padding: "x".repeat(1024 * 1024 + 10) } }, status: 400, detail: /exceeds the limit/ },
  { title: "a non-UUID id", target: () => "not-a-uuid", body: { data: DEACTIVATE }, status: 400, detail: /uuid/ },
  { title: "an upper-case id", target: (s) => s.user.id.toUpperCase(), body: { data: DEACTIVATE }, status: 400, detail: /lowercase UUID/ },
  { title: "an id with a suffix", target: (s) => `${s.user.id}0`, body: { data: DEACTIVATE }, status: 400, detail: /uuid/ },
  { title: "an unknown id", target: () => randomUUID(), body: { data: DEACTIVATE }, status: 404, detail: /.+/ },
  { title: "another tenant's user (never 403)", target: (s) => s.stranger.id, body: { data: DEACTIVATE }, status: 404, detail: /.+/ },
];

test.describe("Mendix User Deactivation API: bad input", () => {
  for (const row of badInputs) {
    test(`${row.title} → ${row.status}, nothing changes`, async ({ request }) => {
      const tenant = await createTestTenant("mx-deact-bad");
      const setup: Setup = { tenant, user: await tenant.addUser(), stranger: await (await createTestTenant("mx-deact-other")).addUser() };
      const { token } = await tenant.addToken();
      const before = await databaseFingerprint();

      const result = await callDeactivation(request, row.target?.(setup) ?? setup.user.id, { token, ...row.body });

      expect(result.status).toBe(row.status);
      expect(result.body).toEqual(deactivationError(row.status, row.detail));
      expect(await databaseFingerprint()).toBe(before);
      for (const id of [setup.user.id, setup.stranger.id]) expect((await userRow(id))?.active).toBe(true);
    });
  }

  test("another tenant's user is answered exactly like an id that exists nowhere", async ({ request }) => {
    const tenant = await createTestTenant("mx-deact-bad");
    const stranger = await (await createTestTenant("mx-deact-other")).addUser();
    const { token } = await tenant.addToken();
    const nowhere = randomUUID();

    const theirs = await callDeactivation(request, stranger.id, { token, data: DEACTIVATE });
    const unknown = await callDeactivation(request, nowhere, { token, data: DEACTIVATE });

    const normalise = (body: unknown, id: string) =>
      JSON.stringify(body)
        .replaceAll(id, "<id>")
        .replace(/urn:uuid:[0-9a-f-]{36}/, "<instance>");
    expect(theirs.status).toBe(404);
    expect(normalise(theirs.body, stranger.id)).toBe(normalise(unknown.body, nowhere));
  });
});

type Credentials = Pick<CallOptions, "token" | "authorization"> & { target?: string };

type AuthCase = {
  title: string;
  status: 401 | 403;
  detail: RegExp | string;
  /** The credentials to send, and optionally whom to deactivate (default: a fresh user of the tenant). */
  auth: (tenant: TestTenant) => Credentials | Promise<Credentials>;
};

const tokenOf = (issued: TestToken) => ({ token: issued.token });

const authCases: AuthCase[] = [
  { title: "no Authorization header", status: 401, detail: /No access token/, auth: () => ({ authorization: null }) },
  {
    title: "a Bearer instead of an MxToken header",
    status: 401,
    detail: /authorization header/,
    auth: async (t) => ({ authorization: `Bearer ${(await t.addToken()).token}` }),
  },
  { title: "a garbled token", status: 401, detail: /invalid/, auth: () => ({ token: "garbled%%token" }) },
  {
    title: "a well-formed token that was never issued",
    status: 401,
    detail: /invalid/,
    auth: () => ({ token: `rpat_${randomUUID().replace(/-/g, "")}_${"A".repeat(43)}` }),
  },
  {
    title: "a revoked token",
    status: 401,
    detail: /revoked/,
    auth: async (t) => tokenOf(await t.addRevokedToken()),
  },
  { title: "an expired token", status: 401, detail: /expired/, auth: async (t) => tokenOf(await t.addToken({ expiresAt: Date.now() - 1000 })) },
  {
    title: "a token whose owner was deactivated",
    status: 401,
    detail: /not active/,
    auth: async (t) => {
      const issued = await t.addToken();
      await markUserInactive(issued.adminUserId, "inactive:deactivated");
      return tokenOf(issued);
    },
  },
  {
    title: "a token without the deactivation scope",
    status: 403,
    detail: `does not include the required scope. Required: ${WRITE_SCOPE}`,
    auth: async (t) => tokenOf(await t.addToken({ scopes: ["mx:mxid3:user-identifiers:uuid:read", "users:read"] })),
  },
  {
    title: "a helpdesk token with the deactivation scope",
    status: 403,
    detail: "Requestor is not Mendix Admin",
    auth: async (t) => tokenOf(await t.addToken({ role: "helpdesk", scopes: [WRITE_SCOPE] })),
  },
  {
    title: "an auditor token with the deactivation scope",
    status: 403,
    detail: "Requestor is not Mendix Admin",
    auth: async (t) => tokenOf(await t.addToken({ role: "auditor", scopes: [WRITE_SCOPE] })),
  },
  {
    title: "an admin deactivating himself",
    status: 403,
    detail: "Member cannot (de)activate himself",
    auth: async (t) => {
      const issued = await t.addToken();
      return { token: issued.token, target: issued.adminUserId };
    },
  },
];

test.describe("Mendix User Deactivation API: credentials and permissions", () => {
  for (const row of authCases) {
    test(`${row.title} → ${row.status}, nothing changes`, async ({ request }) => {
      const tenant = await createTestTenant("mx-deact-auth");
      const { target, ...auth } = await row.auth(tenant);
      const userId = target ?? (await tenant.addUser()).id;
      const activeBefore = (await userRow(userId))?.active;
      const before = await databaseFingerprint();

      const result = await callDeactivation(request, userId, { ...auth, data: DEACTIVATE });

      expect(result.status).toBe(row.status);
      expect(result.body).toEqual(deactivationError(row.status, row.detail));
      expect(await databaseFingerprint()).toBe(before);
      expect((await userRow(userId))?.active).toBe(activeBefore);
    });
  }

  // OPTIONS too: the endpoint, not the framework, must answer it (see the Allow header).
  for (const method of ["GET", "POST", "PUT", "DELETE", "OPTIONS"]) {
    test(`${method} → 405 naming PATCH, nothing changes`, async ({ request }) => {
      const tenant = await createTestTenant("mx-deact-405");
      const user = await tenant.addUser();
      const { token } = await tenant.addToken();
      const before = await databaseFingerprint();

      const result = await callDeactivation(request, user.id, { token, method, data: DEACTIVATE });

      expect(result.status).toBe(405);
      expect(result.headers.allow).toBe("PATCH");
      expect(result.body).toEqual(deactivationError(405, /PATCH/));
      expect(await databaseFingerprint()).toBe(before);
      expect((await userRow(user.id))?.active).toBe(true);
    });
  }
});
