import { expect, test } from "@playwright/test";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";

// What an attacker tries against the console's pages: redirects off-site after sign-in, framing.

test.describe("after sign-in, `next` only leads to a page of Roster", () => {
  for (const next of ["/%5Cevil.example", "/%09/evil.example", "//evil.example", "https://evil.example/users", "/%0A/evil.example"]) {
    test(`a signed-in visit to /login?next=${next} goes to /users`, async ({ page, baseURL, context }) => {
      const tenant = await createTestTenant("redirect");
      await signInContext(context, baseURL!, await createConsoleAdmin(tenant, "admin"));
      const response = await page.request.get(`/login?next=${next}`, { maxRedirects: 0 });
      expect(response.status()).toBe(307);
      expect(response.headers().location).toBe("/users");
    });
  }

  test("signing in through the form with a crafted next lands on /users, and a real next is kept", async ({ page }) => {
    const tenant = await createTestTenant("redirect");
    const admin = await createConsoleAdmin(tenant, "admin");
    await page.goto("/login?next=/%5Cevil.example");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/users$/);

    // Signed out by losing the cookies (a signed-in visit to /login would redirect before the form),
    // after leaving /users, whose requests would otherwise turn into a navigation of their own.
    await page.goto("about:blank");
    await page.context().clearCookies();
    await page.goto("/login?next=/tokens");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/tokens$/);
  });
});

test("console pages may not be framed by another site", async ({ page, baseURL, context }) => {
  const tenant = await createTestTenant("frames");
  await signInContext(context, baseURL!, await createConsoleAdmin(tenant, "admin"));
  for (const path of ["/login", "/users", "/audit", "/"]) {
    const response = await page.request.get(path);
    expect(response.headers()["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(response.headers()["x-frame-options"], path).toBe("DENY");
  }
});

test("the console's API answers errors as problem+json, the vendor APIs in their own dialect", async ({ page, baseURL, context }) => {
  const tenant = await createTestTenant("problems");
  await signInContext(context, baseURL!, await createConsoleAdmin(tenant, "admin"));
  const notFound = await page.request.get("/api/console/users/c5f3afba-cc28-4f56-b922-1e606807bed4");
  expect(notFound.status()).toBe(404);
  expect(notFound.headers()["content-type"]).toContain("application/problem+json");
  expect(await notFound.json()).toEqual({
    type: "urn:roster:problem:not-found",
    title: "Not found",
    status: 404,
    detail: "No user c5f3afba-cc28-4f56-b922-1e606807bed4 in your company",
    instance: expect.stringMatching(/^urn:uuid:[0-9a-f-]{36}$/),
    code: "not_found",
  });
  const nowhere = await page.request.get("/api/console/nowhere");
  expect(nowhere.status()).toBe(404);
  expect(nowhere.headers()["content-type"]).toContain("application/problem+json");
  const wrongMethod = await page.request.put("/api/console/users");
  expect(wrongMethod.status()).toBe(405);
  expect(wrongMethod.headers().allow).toBe("GET");
  expect(await wrongMethod.json()).toMatchObject({ status: 405, code: "method_not_allowed" });
});
