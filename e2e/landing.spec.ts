import { expect, test } from "@playwright/test";
import { createConsoleAdmin, signInContext } from "./fixtures/console";
import { createTestTenant } from "./fixtures/db";

const onPostgres = process.env.ROSTER_TEST_DATABASE === "postgres";

test("the signed-out landing page says what Roster is and that the database is reachable", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Roster");
  await expect(page.getByRole("heading", { level: 1, name: "Roster" })).toBeVisible();
  await expect(page.getByText(/deactivate leavers one at a time or in bulk/)).toBeVisible();
  await expect(page.getByRole("status")).toContainText(onPostgres ? "database reachable (PostgreSQL)" : "database reachable (SQLite, wal mode)");
  await page.getByRole("link", { name: "/api/health" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/api\/health$/);
  await expect(page.locator("body")).toContainText('"status":"ok"');
});

test("signed out, the landing page leads to sign-in; signed in, to the console", async ({ page, context, baseURL }) => {
  await page.goto("/");
  const signIn = page.getByRole("main").getByRole("link", { name: "Sign in", exact: true });
  await expect(signIn).toBeInViewport();
  await expect(page.getByRole("link", { name: "Open the console" })).toHaveCount(0);
  await signIn.click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Roster" })).toBeVisible();

  const admin = await createConsoleAdmin(await createTestTenant("landing"), "helpdesk", "Lara Landing");
  await signInContext(context, baseURL!, admin);
  await page.goto("/");
  await expect(page.getByRole("main")).toContainText("Signed in as Lara Landing");
  await expect(page.getByRole("link", { name: "Sign in", exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: "Open the console" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
});

test("GET /api/health answers 200 with the database status", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  const database = onPostgres ? { dialect: "postgres" } : { dialect: "sqlite", journalMode: "wal" };
  expect(await response.json()).toEqual({ status: "ok", database: { status: "ok", ...database } });
});

test("unknown pages answer 404", async ({ request }) => {
  expect((await request.get("/no-such-page")).status()).toBe(404);
});
