import { expect, type APIResponse } from "@playwright/test";
import { prepared } from "@/db/prepared";
import type { User, UserProperties } from "@/db/schema";
import { createTestTenant, databaseFingerprint, e2eDb, type TestTenant } from "../fixtures/db";
import { identityRowsOfTenant, tokensOfTenant, userRow, usersOfTenant } from "../fixtures/rows";

// Shared by the JITSudo, OS1, isolation and header specs: the dialects' credential headers, the
// shape checks of their error bodies, and direct reads of what a request may have changed.

export const jitsudoHeaders = (token: string, tenantId: string): Record<string, string> => ({ "X-API-Key": token, "X-Tenant-ID": tenantId });

export const os1Headers = (token: string, tenantId: string, requestId?: string): Record<string, string> => ({
  "X-COREOS-ACCESS": token,
  "X-COREOS-TID": tenantId,
  ...(requestId ? { "X-COREOS-REQUEST-ID": requestId } : {}),
});

export const mendixHeaders = (token: string): Record<string, string> => ({ Authorization: `MxToken ${token}` });

export const identitiesPath = (userId: string) => `/v1/users/${userId}/identities`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
export const expectUuid = (value: unknown) => expect(value).toMatch(UUID);

/** A JITSudo error: `{code, message, details?, notices?}` and nothing else. */
export async function expectJitsudoError(response: APIResponse, status: number, code: string) {
  expect(response.status(), await response.text()).toBe(status);
  expect(response.headers()["content-type"]).toContain("application/json");
  const body = (await response.json()) as { code: string; message: string; details?: Record<string, string>; notices?: string[] };
  expect(body).toMatchObject({ code, message: expect.any(String) });
  expect(body.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(body)) expect(["code", "message", "details", "notices"]).toContain(key);
  if (body.details !== undefined) for (const value of Object.values(body.details)) expect(typeof value).toBe("string");
  if (body.notices !== undefined) expect(Array.isArray(body.notices)).toBe(true);
  return body;
}

export type Os1Echo = { uri: string; requestId: string; queryString: string; body: string | null; method: string };

/** The OS1 envelope `{error, data, request}` with exactly the five request fields. */
export async function os1Body(response: APIResponse, options: { echoHeader?: boolean } = {}) {
  expect(response.headers()["content-type"]).toContain("application/json");
  const body = (await response.json()) as { error: { code: string; description: string } | null; data: unknown; request: Os1Echo };
  expect(Object.keys(body).sort()).toEqual(["data", "error", "request"]);
  expect(Object.keys(body.request).sort()).toEqual(["body", "method", "queryString", "requestId", "uri"]);
  expect(typeof body.request.requestId).toBe("string");
  expect(body.request.requestId.length).toBeGreaterThan(0);
  // The header and the body carry the same request id, whatever the outcome.
  if (options.echoHeader !== false) expect(response.headers()["x-coreos-request-id"], "X-COREOS-REQUEST-ID header").toBe(body.request.requestId);
  return body;
}

export async function expectOs1Ok<T = unknown>(response: APIResponse): Promise<{ data: T; request: Os1Echo }> {
  expect(response.status(), await response.text()).toBe(200);
  const body = await os1Body(response);
  expect(body.error).toBeNull();
  return { data: body.data as T, request: body.request };
}

export async function expectOs1Error(response: APIResponse, status: number, code: string, options: { echoHeader?: boolean } = {}) {
  expect(response.status(), await response.text()).toBe(status);
  const body = await os1Body(response, options);
  expect(body.data).toBeNull();
  expect(body.error).toEqual({ code, description: expect.any(String) });
  expect(body.error!.description.length).toBeGreaterThan(0);
  return body;
}

/** Runs a request that must change nothing and returns its response, asserting the database is unchanged. */
export async function withoutChanges(call: () => Promise<APIResponse>): Promise<APIResponse> {
  const before = await databaseFingerprint();
  const response = await call();
  expect(await databaseFingerprint(), "the refused request changed the database").toBe(before);
  return response;
}

export { auditEventsOf, identityRowsOf, userRow } from "../fixtures/rows";

type MobileRow = { userId: string; kind: string; countryCode: string; number: string; createdAt: number; updatedAt: number };

/** Everything of one tenant that an API call could change, to show another tenant's calls left it alone. */
export async function tenantSnapshot(tenantId: string): Promise<string> {
  const db = e2eDb();
  const mobiles = await prepared<MobileRow>(
    db,
    `select user_id as "userId", kind, country_code as "countryCode", number, created_at as "createdAt", updated_at as "updatedAt"
      from user_mobiles where tenant_id = ? order by user_id, kind`,
  ).all(tenantId);
  const audit = await prepared<{ n: number }>(db, "select count(*) as n from audit_events where tenant_id = ?").get(tenantId);
  return JSON.stringify({
    users: await usersOfTenant(tenantId),
    identities: await identityRowsOfTenant(tenantId),
    mobiles,
    tokens: (await tokensOfTenant(tenantId)).map(({ id, revokedAt, expiresAt, scopes }) => ({ id, revokedAt, expiresAt, scopes })),
    audit: audit?.n,
  });
}

export type Mobile = { countryCode: string; number: string };

export type DirectoryUserSpec = {
  name: string;
  email: string;
  uniqueCode: string;
  userCode?: string | null;
  aaaId?: string | null;
  category?: string | null;
  createdAt: number;
  updatedAt?: number;
  active?: boolean;
  deactivatedAt?: number | null;
  properties?: Partial<UserProperties>;
  primaryMobile?: Mobile;
  secondaryMobile?: Mobile;
};

const UPDATE_DIRECTORY_FIELDS = `update users set user_code = ?, aaa_id = ?, category = ?, created_at = ?, updated_at = ?, deactivated_at = ?,
  properties = ?, created_by = ?, updated_by = ? where id = ?`;
const INSERT_MOBILE = `insert into user_mobiles (tenant_id, user_id, kind, country_code, number, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`;

/** A user with the OS1 attributes the fixture leaves empty (codes, properties, mobiles, fixed timestamps). */
export async function addDirectoryUser(tenant: TestTenant, spec: DirectoryUserSpec): Promise<User> {
  const db = e2eDb();
  const { id } = await tenant.addUser({ email: spec.email, name: spec.name, uniqueCode: spec.uniqueCode, active: spec.active ?? true });
  const current = (await userRow(id))!;
  await prepared(db, UPDATE_DIRECTORY_FIELDS).run(
    spec.userCode ?? null,
    spec.aaaId ?? null,
    spec.category ?? null,
    spec.createdAt,
    spec.updatedAt ?? spec.createdAt,
    spec.deactivatedAt ?? null,
    JSON.stringify({ ...current.properties, ...spec.properties }),
    JSON.stringify({ id: "00000000-0000-4000-8000-000000000001", name: "Spec Creator" }),
    JSON.stringify({ id: "00000000-0000-4000-8000-000000000002", name: "Spec Updater" }),
    id,
  );
  const now = Date.now();
  for (const [kind, mobile] of [
    ["primary", spec.primaryMobile],
    ["secondary", spec.secondaryMobile],
  ] as const) {
    if (mobile) await prepared(db, INSERT_MOBILE).run(tenant.tenantId, id, kind, mobile.countryCode, mobile.number, now, now);
  }
  return (await userRow(id))!;
}

/** A fresh tenant with an admin token (every scope) and that token's JITSudo headers. */
export async function jitsudoSetup(label = "jit") {
  const tenant = await createTestTenant(label);
  const admin = await tenant.addToken();
  return { tenant, admin, headers: jitsudoHeaders(admin.token, tenant.tenantId) };
}
