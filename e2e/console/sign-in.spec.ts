import { expect, test, type Page } from "@playwright/test";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";

// Console sign-in and sign-out (product.md §Console): the form, throttling (more in
// sign-in-throttle.spec.ts), the session cookie, CSRF on mutations, and that signed-out
// visitors are sent to the sign-in page.

async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("signs in through the form and lands on Users", async ({ page }) => {
  const admin = await createConsoleAdmin(await createTestTenant("sign-in"), "helpdesk", "Hana Helpdesk");
  await page.goto("/login");
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Hana Helpdesk");
});

test("before its script runs, the form cannot send the password in a URL", async ({ page }) => {
  const admin = await createConsoleAdmin(await createTestTenant("sign-in"));
  await page.route("**/_next/static/**/*.js", (route) => route.abort());
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeDisabled();
  await expect(page.locator("form")).toHaveAttribute("method", "post");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByLabel("Password").press("Enter");
  // The same page again, as the marker that anything Enter set off was sent before it.
  await page.goto("/login");
  expect(urls.filter((url) => url.includes(encodeURIComponent(admin.password)) || url.includes("password="))).toEqual([]);
  expect(urls.filter((url) => new URL(url).pathname === "/login")).toHaveLength(2);
});

test("a wrong password says so, without saying which part was wrong", async ({ page }) => {
  const admin = await createConsoleAdmin(await createTestTenant("sign-in"));
  await page.goto("/login");
  await submitSignIn(page, admin.email, `${admin.password}-wrong`);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password");
  await expect(page).toHaveURL(/\/login$/);
  await submitSignIn(page, `nobody-${Date.now()}@example.test`, admin.password);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password");
});

test("after five failures this browser must wait before trying that email again, even with the right password", async ({ page }) => {
  const admin = await createConsoleAdmin(await createTestTenant("throttle-form"));
  await page.goto("/login");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await submitSignIn(page, admin.email, `wrong-${attempt}`);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password");
    // The button is back (not "Signing in…") before the next attempt.
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
  }
  await submitSignIn(page, admin.email, admin.password);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Too many failed sign-ins: try again in 15 minutes");
  await expect(page).toHaveURL(/\/login$/);
  expect((await page.context().cookies()).some((cookie) => cookie.name === SESSION_COOKIE)).toBe(false);
});

test("the session cookie is httpOnly and SameSite=Lax, out of reach of page scripts", async ({ page }) => {
  const admin = await createConsoleAdmin(await createTestTenant("cookie"));
  await page.goto("/login");
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/users$/);
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
});

test("signing out returns to the sign-in page and the old cookie stops working", async ({ page, request }) => {
  const admin = await createConsoleAdmin(await createTestTenant("sign-out"));
  await page.goto("/login");
  await submitSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/users$/);
  const value = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)?.value;
  expect(value).toBeTruthy();
  const withOldCookie = { headers: { cookie: `${SESSION_COOKIE}=${value}` } };
  expect((await request.get("/api/console/users", withOldCookie)).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in to Roster" })).toBeVisible();

  const after = await request.get("/api/console/users", withOldCookie);
  expect(after.status()).toBe(401);
  expect(await after.json()).toMatchObject({ code: "unauthorized" });
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login$/);
});

test("a console mutation without the CSRF header is refused with 403", async ({ context, baseURL }) => {
  const admin = await createConsoleAdmin(await createTestTenant("csrf"));
  const session = await signInContext(context, baseURL!, admin);
  const body = { emails: ["someone@example.test"] };

  const missing = await context.request.post("/api/console/users/resolve", { data: body });
  expect(missing.status()).toBe(403);
  expect(await missing.json()).toMatchObject({ code: "forbidden", notices: ["csrf"] });
  const wrong = await context.request.post("/api/console/users/resolve", { data: body, headers: { "x-csrf-token": `${session.csrfToken}x` } });
  expect(wrong.status()).toBe(403);

  const right = await context.request.post("/api/console/users/resolve", { data: body, headers: { "x-csrf-token": session.csrfToken } });
  expect(right.status()).toBe(200);
  expect(await right.json()).toEqual({ data: { found: [], notFound: ["someone@example.test"] } });
});

test("visiting /users signed out redirects to the sign-in page", async ({ page }) => {
  await page.goto("/users?query=ada");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in to Roster" })).toBeVisible();
});
