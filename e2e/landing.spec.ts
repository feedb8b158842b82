import { expect, test } from "@playwright/test";

test("the signed-out landing page says what Roster is and that the database is reachable", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Roster");
  await expect(page.getByRole("heading", { level: 1, name: "Roster" })).toBeVisible();
  await expect(page.getByText(/deactivate leavers one at a time or in bulk/)).toBeVisible();
  await expect(page.getByRole("status")).toContainText("database reachable (wal mode)");
  await page.getByRole("link", { name: "/api/health" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/api\/health$/);
  await expect(page.locator("body")).toContainText('"status":"ok"');
});

test("GET /api/health answers 200 with the database status", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  expect(await response.json()).toEqual({ status: "ok", database: { status: "ok", journalMode: "wal" } });
});

test("unknown pages answer 404", async ({ request }) => {
  expect((await request.get("/no-such-page")).status()).toBe(404);
});
