import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { createConsoleAdmin, signInContext, takeSecretShownOnce } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";
import { auditEventsOf } from "../fixtures/rows";

// Console: Tokens (product.md §Console, §Domain PAT). Every spec makes its own tenant and admin.

const PAT = /^rpat_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/;

function os1Headers(token: string, tenantId: string) {
  return { "X-COREOS-ACCESS": token, "X-COREOS-TID": tenantId };
}

async function createViaForm(page: Page, name: string, scopeLabels: RegExp[], expiry: string) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  for (const label of scopeLabels) await page.getByRole("checkbox", { name: label }).check();
  await page.getByRole("combobox", { name: "Expires after" }).click();
  await page.getByRole("option", { name: expiry }).click();
  await page.getByRole("button", { name: "Create token" }).click();
}

async function createViaApi(request: APIRequestContext, csrfToken: string, data: Record<string, unknown>) {
  return request.post("/api/console/tokens", { headers: { "x-csrf-token": csrfToken }, data });
}

test.describe("console tokens", () => {
  test("create: the secret is shown once, copies, works against the API, and its last use appears", async ({ page, context, baseURL, request }) => {
    const tenant = await createTestTenant("tokens");
    const admin = await createConsoleAdmin(tenant, "admin", "Tara Tokens");
    await signInContext(context, baseURL!, admin);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);

    await page.goto("/tokens");
    await expect(page.getByRole("heading", { name: "Access tokens" })).toBeVisible();
    await expect(page.getByText("You have no tokens yet")).toBeVisible();

    // Client-side checks before anything is sent.
    await page.getByRole("button", { name: "Create token" }).click();
    const formAlert = page.getByRole("main").getByRole("alert");
    await expect(formAlert).toHaveText(/Give the token a name/);
    await page.getByLabel("Name", { exact: true }).fill("HR sync");
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(formAlert).toHaveText("Choose at least one scope");

    await createViaForm(page, "HR sync", [/Read users, contacts and identities/, /Look up user ids by email/], "90 days");
    const dialog = page.getByRole("dialog", { name: "Copy your new token" });
    await expect(dialog).toContainText(tenant.tenantId);
    const secret = await takeSecretShownOnce(page, dialog, "token-secret", PAT);

    // The list shows it (via tokenKeys invalidation), never used yet, without any secret.
    const row = page.getByRole("row", { name: /HR sync/ });
    await expect(row).toContainText("Active");
    await expect(row.getByTestId("last-used")).toHaveText("never used");
    await expect(row).toContainText("users:read");
    await expect(row).toContainText("mx:mxid3:user-identifiers:uuid:read");
    await expect(row).toContainText(/in 3 months/);
    const listed = await page.request.get("/api/console/tokens");
    expect(listed.status()).toBe(200);
    const listedText = await listed.text();
    expect(listedText).not.toContain(secret.slice(-43));
    const [token] = JSON.parse(listedText).data;
    expect(Object.keys(token).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt", "name", "revokedAt", "scopes", "status"]);
    expect(Date.parse(token.expiresAt) - Date.parse(token.createdAt)).toBe(90 * 86_400_000);

    // The secret is a working credential for the tenant.
    const users = await request.get("/api/v1/users?size=1", { headers: os1Headers(secret, tenant.tenantId) });
    expect(users.status()).toBe(200);

    // Last use is written every 5 s: reload until it shows.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("row", { name: /HR sync/ }).getByTestId("last-used")).toHaveText(/just now|minute ago/, { timeout: 1_000 });
    }).toPass({ timeout: 20_000, intervals: [1_000, 2_000] });
    const lastUsed = page
      .getByRole("row", { name: /HR sync/ })
      .getByTestId("last-used")
      .locator("time");
    await lastUsed.hover();
    await expect(page.getByRole("tooltip")).toContainText(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    const created = (await auditEventsOf(tenant.tenantId, "token.created")).find((event) => event.targetId === token.id);
    expect(created).toMatchObject({ tenantId: tenant.tenantId, actorType: "admin", actorId: admin.adminId, actorName: "Tara Tokens", outcome: "success" });
  });

  test("revoke: asks first, then the token stops working at once", async ({ page, context, baseURL, request }) => {
    const tenant = await createTestTenant("tokens");
    const admin = await createConsoleAdmin(tenant, "admin");
    const session = await signInContext(context, baseURL!, admin);
    const createdResponse = await createViaApi(page.request, session.csrfToken, { name: "Deploy bot", scopes: ["users:read"], expiresIn: null });
    expect(createdResponse.status()).toBe(201);
    const created = (await createdResponse.json()).data;
    expect(created).toMatchObject({ name: "Deploy bot", scopes: ["users:read"], expiresAt: null, lastUsedAt: null, revokedAt: null, status: "active" });
    expect(created.token).toMatch(PAT);
    expect((await request.get("/api/v1/users?size=1", { headers: os1Headers(created.token, tenant.tenantId) })).status()).toBe(200);

    await page.goto("/tokens");
    const row = page.getByRole("row", { name: /Deploy bot/ });
    await expect(row).toContainText("never");

    // Cancelling changes nothing.
    await row.getByRole("button", { name: "Revoke Deploy bot" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Revoke “Deploy bot”?" });
    await expect(confirm).toContainText("stops working at once");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(row).toContainText("Active");
    expect((await request.get("/api/v1/users?size=1", { headers: os1Headers(created.token, tenant.tenantId) })).status()).toBe(200);

    await row.getByRole("button", { name: "Revoke Deploy bot" }).click();
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await expect(confirm).toBeHidden();
    await expect(row).toContainText("Revoked");
    await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
    // The row's button is gone: focus lands on the page's word of what happened, not on the body.
    await expect(page.getByRole("status").filter({ hasText: "Token “Deploy bot” revoked." })).toBeFocused();

    const refused = await request.get("/api/v1/users?size=1", { headers: os1Headers(created.token, tenant.tenantId) });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.description).toMatch(/revoked/);
    const revokedEvent = (await auditEventsOf(tenant.tenantId, "token.revoked")).find((event) => event.targetId === created.id);
    expect(revokedEvent).toMatchObject({ actorType: "admin", actorId: admin.adminId, outcome: "success" });
  });

  test("DELETE only revokes one's own tokens: another admin's and unknown ids are 404", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("tokens");
    const admin = await createConsoleAdmin(tenant, "admin");
    const session = await signInContext(context, baseURL!, admin);
    const colleague = await tenant.addToken({ role: "admin" });
    const headers = { "x-csrf-token": session.csrfToken };

    for (const id of [colleague.tokenId, randomUUID()]) {
      const response = await page.request.delete(`/api/console/tokens/${id}`, { headers });
      expect(response.status()).toBe(404);
      expect(await response.json()).toMatchObject({ code: "not_found" });
    }
    const { data: listed } = await (await page.request.get("/api/console/tokens")).json();
    expect(listed).toEqual([]);
    // The colleague's token still works.
    expect((await page.request.get("/api/v1/users?size=1", { headers: os1Headers(colleague.token, tenant.tenantId) })).status()).toBe(200);

    // A mutation without the CSRF token is refused.
    const own = (await (await createViaApi(page.request, session.csrfToken, { name: "own", scopes: ["users:read"], expiresIn: "7d" })).json()).data;
    expect((await page.request.delete(`/api/console/tokens/${own.id}`)).status()).toBe(403);
    const revoked = await page.request.delete(`/api/console/tokens/${own.id}`, { headers });
    expect(revoked.status()).toBe(200);
    expect((await revoked.json()).data).toMatchObject({ id: own.id, status: "revoked" });
  });

  test("helpdesk: no checkbox for the deactivation scope, and asking the API for it is a 400", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("tokens");
    const helpdesk = await createConsoleAdmin(tenant, "helpdesk");
    const session = await signInContext(context, baseURL!, helpdesk);

    await page.goto("/tokens");
    await expect(page.getByRole("checkbox")).toHaveCount(2);
    await expect(page.getByRole("checkbox", { name: /Read users/ })).toBeVisible();
    await expect(page.getByRole("checkbox", { name: /Deactivate users/ })).toHaveCount(0);
    await expect(page.getByRole("checkbox", { name: /Link identities/ })).toHaveCount(0);
    await expect(page.getByText("Your role (helpdesk) cannot grant")).toBeVisible();

    const refused = await createViaApi(page.request, session.csrfToken, {
      name: "sneaky",
      scopes: ["users:read", "mx:user-deactivation:write"],
      expiresIn: "30d",
    });
    expect(refused.status()).toBe(400);
    const body = await refused.json();
    expect(body).toMatchObject({ code: "invalid_input" });
    expect(body.detail).toContain("mx:user-deactivation:write");
    expect((await (await page.request.get("/api/console/tokens")).json()).data).toEqual([]);

    // What the role allows works.
    const allowed = await createViaApi(page.request, session.csrfToken, { name: "lookup", scopes: ["mx:mxid3:user-identifiers:uuid:read"], expiresIn: "7d" });
    expect(allowed.status()).toBe(201);
  });

  test("bad create requests are 400 with the field named", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("tokens");
    const admin = await createConsoleAdmin(tenant, "admin");
    const session = await signInContext(context, baseURL!, admin);
    const cases: [string, Record<string, unknown>, string][] = [
      ["empty name", { name: "  ", scopes: ["users:read"], expiresIn: "7d" }, "name"],
      ["long name", { name: "x".repeat(101), scopes: ["users:read"], expiresIn: "7d" }, "name"],
      ["no scopes", { name: "n", scopes: [], expiresIn: "7d" }, "scopes"],
      ["unknown scope", { name: "n", scopes: ["admin:everything"], expiresIn: "7d" }, "scopes.0"],
      ["odd expiry", { name: "n", scopes: ["users:read"], expiresIn: "2d" }, "expiresIn"],
    ];
    for (const [label, data, field] of cases) {
      const response = await createViaApi(page.request, session.csrfToken, data);
      expect(response.status(), label).toBe(400);
      const body = await response.json();
      expect(body.code, label).toBe("invalid_input");
      expect(Object.keys(body.errors ?? {}), label).toContain(field);
    }
    const notJson = await page.request.post("/api/console/tokens", {
      headers: { "x-csrf-token": session.csrfToken, "content-type": "application/json" },
      data: "{nope",
    });
    expect(notJson.status()).toBe(400);
  });
});
