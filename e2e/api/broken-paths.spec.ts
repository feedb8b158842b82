import { expect, test } from "@playwright/test";
import { createTestTenant } from "../fixtures/db";

// A path with broken percent-encoding is a 400 in the dialect of the API it was meant for, on
// every family (the leaver API used to get Next.js's plain-text 500), and an unknown path under
// an API is that API's 404, never an HTML page.

test("broken percent-encoding on the leaver API: a JITSudo 400", async ({ request }) => {
  const tenant = await createTestTenant("paths");
  const { token } = await tenant.addToken();
  for (const path of ["/v1/leaver-jobs/%E0%A4%A", "/v1/leaver-jobs/%E0%A4%A/results", "/v1/leaver-jobs/previews/%E0%A4%A/rows.csv"]) {
    const response = await request.get(path, { headers: { "X-API-Key": token, "X-Tenant-ID": tenant.tenantId } });
    expect(response.status(), path).toBe(400);
    expect(await response.json(), path).toEqual({ code: "invalid_input", message: "The request path has malformed percent-encoding" });
  }
});

test("broken percent-encoding on the Mendix deactivation API: its own 400", async ({ request }) => {
  const response = await request.patch("/v1/platform-users/%E0%A4%A", { data: { active: false } });
  expect(response.status()).toBe(400);
  expect(await response.json()).toMatchObject({ error: { code: 400, message: "The request data did not validate" } });
});

test("unknown paths under an API answer that API's 404", async ({ request }) => {
  const os1 = await request.get("/api/v1/users/a/b");
  expect(os1.status()).toBe(404);
  expect(await os1.json()).toMatchObject({ error: { code: "NOT_FOUND" }, data: null });
  const jitsudo = await request.get("/v1/leaver-jobs/a/b/c");
  expect(jitsudo.status()).toBe(404);
  expect(await jitsudo.json()).toMatchObject({ code: "not_found" });
  const api = await request.get("/api/nothing-here");
  expect(api.status()).toBe(404);
  expect(api.headers()["content-type"]).toContain("application/json");
});
