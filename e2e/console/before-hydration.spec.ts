import { expect, test, type Page } from "@playwright/test";
import { scheduleDeactivation } from "@/db/queries/scheduled-deactivations";
import { createWebhookEndpoint } from "@/db/queries/webhook-endpoints";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, e2eDb } from "../fixtures/db";

// The console's pages render their data on the server, buttons included, and a button's only
// effect is its script: clicked before hydration, it did nothing, and said nothing (the header's
// Sign out, seen as a flaky e2e under load). Until the script runs, each must be disabled.

async function enabledButtons(page: Page): Promise<string[]> {
  return page
    .locator("button:not([disabled])")
    .evaluateAll((buttons) => buttons.map((button) => button.getAttribute("aria-label") ?? button.textContent ?? ""));
}

test("before their script runs, the server-rendered pages' buttons are disabled, not dead", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("before-hydration");
  const admin = await createConsoleAdmin(tenant);
  await signInContext(page.context(), baseURL!, admin);
  const user = await tenant.addUser({ name: "Scheduled Leaver" });
  const actor = { type: "admin" as const, id: admin.adminId, name: "Admin", userId: admin.userId };
  await scheduleDeactivation(e2eDb(), {
    tenantId: tenant.tenantId,
    userId: user.id,
    effectiveAt: Date.now() + 86_400_000,
    actor,
    requestId: null,
    source: "console",
  });
  const endpoint = await createWebhookEndpoint(e2eDb(), {
    tenantId: tenant.tenantId,
    url: "https://hooks.example.test/roster",
    secret: newWebhookSecret(),
    actor: { type: "admin", id: admin.adminId, name: "Admin" },
  });
  await tenant.addToken();

  await page.route("**/_next/static/**/*.js", (route) => route.abort());
  const pages = [
    "/users",
    `/users/${user.id}`,
    "/tokens",
    "/sessions",
    "/security",
    "/audit",
    "/webhooks",
    `/webhooks/${endpoint.id}`,
    "/provisioning",
    "/settings/sign-in",
  ];
  for (const path of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await page.locator("button").count(), `${path} has buttons`).toBeGreaterThan(0);
    expect(await enabledButtons(page), `enabled buttons on ${path}`).toEqual([]);
  }
});
