import { and, asc, count, eq } from "drizzle-orm";
import { expect, type APIResponse } from "@playwright/test";
import { auditEvents, identities, personalAccessTokens, userMobiles, users, type User, type UserProperties } from "@/db/schema";
import { createTestTenant, databaseFingerprint, e2eDb, type TestTenant } from "../fixtures/db";

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
  const before = databaseFingerprint();
  const response = await call();
  expect(databaseFingerprint(), "the refused request changed the database").toBe(before);
  return response;
}

export function userRow(id: string): User | undefined {
  return e2eDb().select().from(users).where(eq(users.id, id)).get();
}

export function identityRowsOf(userId: string) {
  return e2eDb().select().from(identities).where(eq(identities.userId, userId)).orderBy(asc(identities.createdAt), asc(identities.id)).all();
}

export function auditEventsOf(tenantId: string, action?: string) {
  const where = action ? and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)) : eq(auditEvents.tenantId, tenantId);
  return e2eDb().select().from(auditEvents).where(where).all();
}

/** Everything of one tenant that an API call could change, to show another tenant's calls left it alone. */
export function tenantSnapshot(tenantId: string): string {
  const db = e2eDb();
  return JSON.stringify({
    users: db.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(asc(users.id)).all(),
    identities: db.select().from(identities).where(eq(identities.tenantId, tenantId)).orderBy(asc(identities.id)).all(),
    mobiles: db.select().from(userMobiles).where(eq(userMobiles.tenantId, tenantId)).orderBy(asc(userMobiles.userId), asc(userMobiles.kind)).all(),
    tokens: db
      .select({
        id: personalAccessTokens.id,
        revokedAt: personalAccessTokens.revokedAt,
        expiresAt: personalAccessTokens.expiresAt,
        scopes: personalAccessTokens.scopes,
      })
      .from(personalAccessTokens)
      .where(eq(personalAccessTokens.tenantId, tenantId))
      .orderBy(asc(personalAccessTokens.id))
      .all(),
    audit: db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).get()?.n,
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

/** A user with the OS1 attributes the fixture leaves empty (codes, properties, mobiles, fixed timestamps). */
export function addDirectoryUser(tenant: TestTenant, spec: DirectoryUserSpec): User {
  const db = e2eDb();
  const { id } = tenant.addUser({ email: spec.email, name: spec.name, uniqueCode: spec.uniqueCode, active: spec.active ?? true });
  const current = userRow(id)!;
  db.update(users)
    .set({
      userCode: spec.userCode ?? null,
      aaaId: spec.aaaId ?? null,
      category: spec.category ?? null,
      createdAt: spec.createdAt,
      updatedAt: spec.updatedAt ?? spec.createdAt,
      deactivatedAt: spec.deactivatedAt ?? null,
      properties: { ...current.properties, ...spec.properties },
      createdBy: { id: "00000000-0000-4000-8000-000000000001", name: "Spec Creator" },
      updatedBy: { id: "00000000-0000-4000-8000-000000000002", name: "Spec Updater" },
    })
    .where(eq(users.id, id))
    .run();
  const now = Date.now();
  for (const [kind, mobile] of [
    ["primary", spec.primaryMobile],
    ["secondary", spec.secondaryMobile],
  ] as const) {
    if (mobile)
      db.insert(userMobiles)
        .values({ tenantId: tenant.tenantId, userId: id, kind, ...mobile, createdAt: now, updatedAt: now })
        .run();
  }
  return userRow(id)!;
}

/** A fresh tenant with an admin token (every scope) and that token's JITSudo headers. */
export function jitsudoSetup(label = "jit") {
  const tenant = createTestTenant(label);
  const admin = tenant.addToken();
  return { tenant, admin, headers: jitsudoHeaders(admin.token, tenant.tenantId) };
}
