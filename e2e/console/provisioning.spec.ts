import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { createConsoleAdmin, signInContext, takeSecretShownOnce } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";
import { auditEventsOf } from "../fixtures/rows";
import { createScimSetup } from "../fixtures/scim";

// Console: Provisioning (issue 10: SCIM provisioning tokens, made on this page and by the CLI).
// Every spec makes its own tenant and admin. The SCIM path is written out: the page must show
// where identity providers are actually served, whatever the code calls it.

const SCIM_TOKEN = /^rscim_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/;
const SCIM_PATH = "/scim/v2";

/** What the SCIM service answers an identity provider presenting `token` (its status). */
async function scimStatus(request: APIRequestContext, baseUrl: string, token: string): Promise<number> {
  const response = await request.get(`${baseUrl}/ServiceProviderConfig`, { headers: { authorization: `Bearer ${token}` }, failOnStatusCode: false });
  return response.status();
}

async function createViaForm(page: Page, name: string, provider?: { existing?: string; newName?: string }) {
  await page.getByLabel("Token name").fill(name);
  if (provider?.existing) {
    await page.getByRole("combobox", { name: "Identity provider" }).click();
    await page.getByRole("option", { name: provider.existing }).click();
  }
  if (provider?.newName !== undefined) {
    const combobox = page.getByRole("combobox", { name: "Identity provider" });
    if (await combobox.count()) {
      await combobox.click();
      await page.getByRole("option", { name: /New provider/ }).click();
      await page.getByLabel("New provider name").fill(provider.newName);
    } else {
      await page.getByLabel("Identity provider", { exact: true }).fill(provider.newName);
    }
  }
  await page.getByRole("button", { name: "Create token" }).click();
}

test.describe("console provisioning", () => {
  test("an admin creates a token, sees it once, the provider provisions with it, and a revocation stops it at once", async ({
    page,
    context,
    baseURL,
    request,
  }) => {
    const tenant = await createTestTenant("provisioning");
    const admin = await createConsoleAdmin(tenant, "admin", "Paula Provisioning");
    await signInContext(context, baseURL!, admin);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);

    await page.goto("/users");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Provisioning" }).click();
    await expect(page).toHaveURL(/\/provisioning$/);
    await expect(page.getByRole("heading", { name: "Provisioning", level: 1 })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Provisioning" })).toHaveAttribute("aria-current", "page");

    // The URL to paste into the identity provider: this origin and the SCIM path, with a copy button.
    const scimBaseUrl = `${baseURL}${SCIM_PATH}`;
    await expect(page.getByTestId("scim-base-url")).toHaveText(scimBaseUrl);
    await page.getByRole("button", { name: "Copy URL" }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(scimBaseUrl);

    await expect(page.getByText("No provisioning tokens yet")).toBeVisible();
    await expect(page.getByText("No SCIM identity provider yet")).toBeVisible();

    // Checked before anything is sent; the provider defaults to "SCIM".
    await page.getByRole("button", { name: "Create token" }).click();
    const formAlert = page.getByRole("main").getByRole("alert");
    await expect(formAlert).toHaveText(/Give the token a name/);
    await expect(page.getByLabel("Identity provider", { exact: true })).toHaveValue("SCIM");

    await createViaForm(page, "Okta production", { newName: "Okta" });
    const dialog = page.getByRole("dialog", { name: "Copy the new provisioning token" });
    await expect(dialog).toContainText(scimBaseUrl);
    const secret = await takeSecretShownOnce(page, dialog, "provisioning-token-secret", SCIM_TOKEN);

    const row = page.getByRole("row", { name: /Okta production/ });
    await expect(row).toContainText("Okta");
    await expect(row).toContainText("Paula Provisioning");
    await expect(row).toContainText("Active");
    await expect(row.getByTestId("last-used")).toHaveText("never used");
    const listed = await page.request.get("/api/console/provisioning");
    expect(listed.status()).toBe(200);
    expect(await listed.text()).not.toContain(secret.slice(-43));
    const { data } = await listed.json();
    expect(data.providers).toEqual([{ id: expect.any(String), name: "Okta", createdAt: expect.any(String) }]);
    const [token] = data.tokens;
    expect(token).toMatchObject({
      name: "Okta production",
      providerName: "Okta",
      status: "active",
      createdBy: { id: admin.adminId, name: "Paula Provisioning" },
    });

    // The secret is a working provisioning token, and the page shows its use.
    expect(await scimStatus(request, scimBaseUrl, secret)).toBe(200);
    await page.reload();
    await expect(page.getByRole("row", { name: /Okta production/ }).getByTestId("last-used")).toHaveText(/just now|minute ago/);
    const created = (await auditEventsOf(tenant.tenantId, "scim_token.created")).find((event) => event.targetId === token.id);
    expect(created).toMatchObject({ actorType: "admin", actorId: admin.adminId, actorName: "Paula Provisioning", outcome: "success" });

    // A second token for the same provider: it is offered in the list, and not created twice.
    await createViaForm(page, "Okta failover", { existing: "Okta" });
    await dialog.getByRole("button", { name: "I've stored it" }).click();
    const oktaProvider = page.getByRole("region", { name: "SCIM identity providers" }).getByRole("row", { name: /Okta/ });
    await expect(oktaProvider).toHaveCount(1);
    await expect(oktaProvider.getByRole("cell").last()).toHaveText("2");

    // Revoke: cancelling changes nothing; confirming stops the token at once.
    await row.getByRole("button", { name: "Revoke Okta production" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Revoke “Okta production”?" });
    await expect(confirm).toContainText("refused");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    expect(await scimStatus(request, scimBaseUrl, secret)).toBe(200);

    await row.getByRole("button", { name: "Revoke Okta production" }).click();
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await expect(confirm).toBeHidden();
    await expect(row).toContainText("Revoked");
    await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
    // The row's button is gone: focus lands on the page's word of what happened, not on the body.
    await expect(page.getByRole("status").filter({ hasText: "Token “Okta production” revoked." })).toBeFocused();
    await expect(oktaProvider.getByRole("cell").last()).toHaveText("1");
    expect(await scimStatus(request, scimBaseUrl, secret)).toBe(401);
    const revoked = (await auditEventsOf(tenant.tenantId, "scim_token.revoked")).find((event) => event.targetId === token.id);
    expect(revoked).toMatchObject({ actorType: "admin", actorId: admin.adminId, outcome: "success" });
  });

  test("a provider name an identity provider of another type holds is refused, saying why", async ({ page, context, baseURL }) => {
    // createTestTenant gives the tenant an OIDC provider called "Test OIDC".
    const tenant = await createTestTenant("provisioning");
    const admin = await createConsoleAdmin(tenant, "admin");
    const session = await signInContext(context, baseURL!, admin);
    await page.goto("/provisioning");
    await createViaForm(page, "sneaky", { newName: "Test OIDC" });
    await expect(page.getByRole("main").getByRole("alert")).toContainText('"Test OIDC" is an identity provider of type oidc, not scim');
    await expect(page.getByRole("dialog")).toHaveCount(0);

    const response = await page.request.post("/api/console/provisioning/tokens", {
      headers: { "x-csrf-token": session.csrfToken },
      data: { name: "sneaky", provider: "Test OIDC" },
    });
    expect(response.status()).toBe(409);
    expect(await response.json()).toMatchObject({ code: "conflict", detail: expect.stringContaining("type oidc") });
    const { data } = await (await page.request.get("/api/console/provisioning")).json();
    expect(data).toEqual({ providers: [], tokens: [] });
  });

  test("API: the secret only in the 201, fields named in 400s, CSRF required, only the tenant's tokens revocable", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("provisioning");
    const admin = await createConsoleAdmin(tenant, "admin");
    const session = await signInContext(context, baseURL!, admin);
    const headers = { "x-csrf-token": session.csrfToken };
    const post = (data: unknown, extra: Record<string, string> = headers) => page.request.post("/api/console/provisioning/tokens", { headers: extra, data });

    const created = await post({ name: "Entra ID" });
    expect(created.status()).toBe(201);
    const token = (await created.json()).data;
    expect(token).toMatchObject({ name: "Entra ID", providerName: "SCIM", status: "active", lastUsedAt: null, revokedAt: null });
    expect(token.token).toMatch(SCIM_TOKEN);

    for (const [data, field] of [
      [{ name: " " }, "name"],
      [{ name: "x".repeat(101) }, "name"],
      [{ name: "n", provider: "" }, "provider"],
      [{ provider: "SCIM" }, "name"],
    ] as const) {
      const response = await post(data);
      expect(response.status(), JSON.stringify(data)).toBe(400);
      const body = await response.json();
      expect(body.code).toBe("invalid_input");
      expect(Object.keys(body.errors ?? {})).toContain(field);
    }
    expect((await post({ name: "no csrf" }, {})).status()).toBe(403);

    // Another tenant's token and unknown ids answer alike, and the other token keeps working.
    const theirs = await createScimSetup("provisioning-other");
    for (const id of [theirs.tokenId, randomUUID()]) {
      const response = await page.request.delete(`/api/console/provisioning/tokens/${id}`, { headers });
      expect(response.status()).toBe(404);
      expect(await response.json()).toMatchObject({ code: "not_found" });
    }
    expect(await scimStatus(page.request, `${baseURL}${SCIM_PATH}`, theirs.token)).toBe(200);
    expect((await page.request.delete(`/api/console/provisioning/tokens/${token.id}`)).status()).toBe(403);
    const revoked = await page.request.delete(`/api/console/provisioning/tokens/${token.id}`, { headers });
    expect(revoked.status()).toBe(200);
    expect((await revoked.json()).data).toMatchObject({ id: token.id, providerName: "SCIM", status: "revoked", revokedAt: expect.any(String) });
    expect(JSON.stringify((await revoked.json()).data)).not.toContain("rscim_");
  });

  for (const role of ["helpdesk", "auditor"] as const) {
    test(`${role}: no Provisioning entry, the page says it is for admins, and the endpoints answer 403`, async ({ page, context, baseURL }) => {
      const tenant = await createTestTenant("provisioning");
      const someone = await createConsoleAdmin(tenant, role);
      const session = await signInContext(context, baseURL!, someone);
      const setup = await createScimSetup("provisioning-role", { tenant });

      await page.goto("/users");
      const nav = page.getByRole("navigation", { name: "Console" });
      await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
      await expect(nav.getByRole("link", { name: "Provisioning" })).toHaveCount(0);

      await page.goto("/provisioning");
      await expect(page.getByText("Provisioning is for admins only")).toBeVisible();
      await expect(page.getByText(setup.providerName)).toHaveCount(0);

      const headers = { "x-csrf-token": session.csrfToken };
      expect((await page.request.get("/api/console/provisioning")).status()).toBe(403);
      expect((await page.request.post("/api/console/provisioning/tokens", { headers, data: { name: "mine" } })).status()).toBe(403);
      expect((await page.request.delete(`/api/console/provisioning/tokens/${setup.tokenId}`, { headers })).status()).toBe(403);
      expect(await scimStatus(page.request, `${baseURL}${SCIM_PATH}`, setup.token)).toBe(200);
    });
  }
});
