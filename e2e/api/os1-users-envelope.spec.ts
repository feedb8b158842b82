import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createTestTenant } from "../fixtures/db";
import { expectOs1Error, expectOs1Ok, os1Body, os1Headers, withoutChanges } from "./jitsudo-os1-support";
import { createOs1Directory, type Os1Directory } from "./os1-directory";

// Delhivery OS1, "One credential, three wire dialects": the `{error, data, request}` envelope on
// every outcome, X-COREOS-REQUEST-ID echoed in body and header, and the X-COREOS-TID header.

let dir: Os1Directory;
test.beforeAll(async () => {
  dir = await createOs1Directory("os1-envelope");
});

const ENDPOINTS = (d: Os1Directory) => [
  { name: "GetUser", path: `/api/v1/users/user:${d.alice.id}` },
  { name: "ListUsers", path: "/api/v1/users?size=2&query=mail" },
  { name: "GetUserEmail", path: `/api/v1/users/email?ids=${d.alice.id}` },
  { name: "GetUserMobile", path: `/api/v1/users/mobile?userId=${d.alice.id}` },
];

test.describe("OS1 X-COREOS-REQUEST-ID", () => {
  test("echoed in body and header on success, with uri, queryString, body and method", async ({ request }) => {
    for (const endpoint of ENDPOINTS(dir)) {
      const requestId = `ok-${randomUUID()}`;
      const response = await request.get(endpoint.path, { headers: dir.headers(requestId) });
      const { request: echo } = await expectOs1Ok(response);
      const url = new URL(endpoint.path, "http://roster.test");
      expect(echo, endpoint.name).toEqual({ uri: url.pathname, requestId, queryString: url.search.slice(1), body: null, method: "GET" });
      expect(response.headers()["x-coreos-request-id"]).toBe(requestId);
    }
  });

  test("echoed on 400, 401, 403 and 404 as well", async ({ request }) => {
    const stranger = await createTestTenant("os1-envelope-other");
    const noScope = await dir.tenant.addToken({ scopes: ["identities:write"] });
    const cases: { title: string; path: string; headers: Record<string, string>; status: number; code: string }[] = [
      { title: "400 bad size", path: "/api/v1/users?size=0", headers: dir.headers(), status: 400, code: "BAD_REQUEST" },
      { title: "401 no token", path: "/api/v1/users", headers: { "X-COREOS-TID": dir.tenant.tenantId }, status: 401, code: "UNAUTHORIZED" },
      { title: "401 garbled token", path: "/api/v1/users", headers: os1Headers("rpat_nope", dir.tenant.tenantId), status: 401, code: "UNAUTHORIZED" },
      { title: "403 missing scope", path: "/api/v1/users", headers: os1Headers(noScope.token, dir.tenant.tenantId), status: 403, code: "FORBIDDEN" },
      { title: "404 unknown user", path: `/api/v1/users/${randomUUID()}`, headers: dir.headers(), status: 404, code: "NOT_FOUND" },
      { title: "403 other tenant", path: "/api/v1/users", headers: os1Headers(dir.admin.token, stranger.tenantId), status: 403, code: "TENANT_MISMATCH" },
    ];
    for (const c of cases) {
      await test.step(c.title, async () => {
        const requestId = `err-${randomUUID()}`;
        const response = await request.get(c.path, { headers: { ...c.headers, "X-COREOS-REQUEST-ID": requestId } });
        const body = await expectOs1Error(response, c.status, c.code);
        expect(body.request.requestId).toBe(requestId);
      });
    }
  });

  test("echoed on 405 as well", async ({ request }) => {
    const requestId = `405-${randomUUID()}`;
    const response = await request.post("/api/v1/users", { headers: dir.headers(requestId), data: { name: "x" } });
    expect(response.status()).toBe(405);
    const body = await os1Body(response);
    expect(body.request.requestId).toBe(requestId);
    expect(response.headers()["x-coreos-request-id"]).toBe(requestId);
  });

  test("without the header the server makes one up, the same in body and header, new per request", async ({ request }) => {
    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const response = await request.get("/api/v1/users?size=1", { headers: os1Headers(dir.admin.token, dir.tenant.tenantId) });
      const { request: echo } = await expectOs1Ok(response);
      expect(echo.requestId.length).toBeGreaterThan(0);
      seen.add(echo.requestId);
    }
    expect(seen.size).toBe(2);
  });
});

test.describe("OS1 X-COREOS-TID and scope", () => {
  test("missing or blank X-COREOS-TID: 400 on every endpoint, nothing changed", async ({ request }) => {
    for (const endpoint of ENDPOINTS(dir)) {
      for (const tid of [undefined, "", "  "]) {
        const headers = { "X-COREOS-ACCESS": dir.admin.token, ...(tid !== undefined && { "X-COREOS-TID": tid }) };
        const response = await withoutChanges(() => request.get(endpoint.path, { headers }));
        const body = await expectOs1Error(response, 400, "BAD_REQUEST");
        expect(body.error?.description, endpoint.name).toContain("X-COREOS-TID");
      }
    }
  });

  test("X-COREOS-TID of another (or no) tenant: 403 on every endpoint, no data", async ({ request }) => {
    const other = await createOs1Directory("os1-envelope-b");
    for (const endpoint of [...ENDPOINTS(dir), ...ENDPOINTS(other)]) {
      for (const tid of [other.tenant.tenantId, randomUUID()]) {
        const response = await withoutChanges(() => request.get(endpoint.path, { headers: os1Headers(dir.admin.token, tid) }));
        await expectOs1Error(response, 403, "TENANT_MISMATCH");
      }
    }
  });

  test("the token's tenant in upper case is the same tenant", async ({ request }) => {
    await expectOs1Ok(await request.get("/api/v1/users?size=1", { headers: os1Headers(dir.admin.token, dir.tenant.tenantId.toUpperCase()) }));
  });

  test("a token without users:read: 403 FORBIDDEN on every endpoint", async ({ request }) => {
    const token = await dir.tenant.addToken({ scopes: ["mx:mxid3:user-identifiers:uuid:read", "identities:write"] });
    for (const endpoint of ENDPOINTS(dir)) {
      const response = await withoutChanges(() => request.get(endpoint.path, { headers: os1Headers(token.token, dir.tenant.tenantId) }));
      const body = await expectOs1Error(response, 403, "FORBIDDEN");
      expect(body.error?.description).toContain("users:read");
    }
  });

  test("helpdesk and auditor tokens may read", async ({ request }) => {
    for (const role of ["helpdesk", "auditor"] as const) {
      const token = await dir.tenant.addToken({ role });
      for (const endpoint of ENDPOINTS(dir)) await expectOs1Ok(await request.get(endpoint.path, { headers: os1Headers(token.token, dir.tenant.tenantId) }));
    }
  });
});
