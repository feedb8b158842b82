import { randomUUID } from "node:crypto";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { createConsoleAdmin, signInContext, type ConsoleAdmin } from "../fixtures/console";
import { createTestTenant, type TestTenant } from "../fixtures/db";

// Console: "Your sessions" and ending another admin's sessions (issue 11). Every spec makes its own
// tenant and admins; the browsers whose sessions are listed sign in through the real form, so that
// the server records their user agent and address.

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";

const opened: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(opened.splice(0).map((context) => context.close()));
});

async function newContext(browser: Browser, baseURL: string, userAgent?: string) {
  const context = await browser.newContext({ baseURL, userAgent });
  opened.push(context);
  return context;
}

/** A browser of its own, signed in as `admin` through the sign-in page. */
async function signInThroughForm(browser: Browser, baseURL: string, admin: ConsoleAdmin, userAgent: string): Promise<Page> {
  const page = await (await newContext(browser, baseURL, userAgent)).newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/users$/);
  return page;
}

/** A browser of its own, signed in as `admin` by the fixture (no user agent or address recorded). */
async function signInDirectly(browser: Browser, baseURL: string, admin: ConsoleAdmin) {
  const context = await newContext(browser, baseURL);
  const session = await signInContext(context, baseURL, admin);
  return { page: await context.newPage(), csrfToken: session.csrfToken };
}

async function expectSignedOut(page: Page) {
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login/);
}

const sessionRows = (page: Page) => page.getByRole("table").locator("tbody tr");

async function sessionEvents(page: Page) {
  const response = await page.request.get("/api/console/audit?action=session.revoked");
  expect(response.status()).toBe(200);
  return (await response.json()).data.events as {
    actorName: string;
    targetType: string;
    targetId: string;
    outcome: string;
    details: Record<string, unknown>;
  }[];
}

test.describe("console sessions", () => {
  test("lists your sessions by browser and address; signs out another, all others, then this one", async ({ browser, baseURL }) => {
    const tenant = await createTestTenant("sessions");
    const admin = await createConsoleAdmin(tenant, "helpdesk", "Sam Sessions");
    const here = await signInThroughForm(browser, baseURL!, admin, CHROME);
    const firefox = await signInThroughForm(browser, baseURL!, admin, FIREFOX);

    const navLink = here.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Sessions", exact: true });
    await navLink.click();
    await expect(here.getByRole("heading", { level: 1, name: "Your sessions" })).toBeVisible();
    await expect(navLink).toHaveAttribute("aria-current", "page");
    await expect(sessionRows(here)).toHaveCount(2);
    const current = here.getByRole("row", { name: /Chrome 131 on Windows/ });
    const other = here.getByRole("row", { name: /Firefox 133 on Linux/ });
    await expect(current).toContainText("This session");
    await expect(current).toContainText("127.0.0.1");
    await expect(current.getByTestId("last-seen")).toHaveText("now");
    await expect(other).not.toContainText("This session");
    await expect(other).toContainText("127.0.0.1");
    await expect(other.getByTestId("last-seen")).toHaveText("just now");

    // Cancelling changes nothing; confirming ends that browser's session only.
    await other.getByRole("button", { name: "Sign out Firefox 133 on Linux" }).click();
    const confirm = here.getByRole("alertdialog", { name: "Sign out Firefox 133 on Linux?" });
    await expect(confirm).toContainText("127.0.0.1");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(other.getByRole("button", { name: "Sign out Firefox 133 on Linux" })).toBeFocused();
    await other.getByRole("button", { name: "Sign out Firefox 133 on Linux" }).press("Enter");
    await confirm.getByRole("button", { name: "Sign out" }).press("Enter");
    await expect(confirm).toBeHidden();
    await expect(here.getByRole("status")).toHaveText("Signed out Firefox 133 on Linux.");
    await expect(here.getByRole("status")).toBeFocused();
    await expect(sessionRows(here)).toHaveCount(1);
    await expect(here.getByRole("button", { name: "Sign out all other sessions" })).toHaveCount(0);
    await expectSignedOut(firefox);

    // Two more browsers; "Sign out all other sessions" ends both and keeps this one.
    const firefoxAgain = await signInThroughForm(browser, baseURL!, admin, FIREFOX);
    const safari = await signInThroughForm(browser, baseURL!, admin, SAFARI);
    await here.reload();
    await expect(sessionRows(here)).toHaveCount(3);
    await expect(here.getByRole("row", { name: /Safari 18 on macOS/ })).toContainText("127.0.0.1");
    await here.getByRole("button", { name: "Sign out all other sessions" }).click();
    const confirmOthers = here.getByRole("alertdialog", { name: "Sign out all other sessions?" });
    await expect(confirmOthers).toContainText("2 sessions");
    await confirmOthers.getByRole("button", { name: "Sign out others" }).click();
    await expect(confirmOthers).toBeHidden();
    await expect(here.getByRole("status")).toHaveText("Signed out 2 other sessions.");
    await expect(sessionRows(here)).toHaveCount(1);
    await expect(here.getByRole("row", { name: /Chrome 131 on Windows/ })).toContainText("This session");
    await expectSignedOut(firefoxAgain);
    await expectSignedOut(safari);

    // Signing out this session goes to the sign-in page, and it stays signed out.
    await here.getByRole("button", { name: "Sign out this session" }).click();
    const confirmCurrent = here.getByRole("alertdialog", { name: "Sign out of this session?" });
    await confirmCurrent.getByRole("button", { name: "Sign out" }).click();
    await expect(here).toHaveURL(/\/login$/);
    await expectSignedOut(here);
  });

  test("every ending is audited as session.revoked; a session without a user agent reads Unknown browser", async ({ page, browser, baseURL }) => {
    const tenant = await createTestTenant("sessions-audit");
    const admin = await createConsoleAdmin(tenant, "admin", "Ada Audit");
    const { csrfToken } = await signInContext(page.context(), baseURL!, admin);
    const second = await signInDirectly(browser, baseURL!, admin);
    await signInDirectly(browser, baseURL!, admin);

    await page.goto("/sessions");
    await expect(sessionRows(page)).toHaveCount(3);
    await expect(sessionRows(page).filter({ hasText: "Unknown browser" })).toHaveCount(3);
    const current = sessionRows(page).filter({ hasText: "This session" });
    await expect(current).toHaveCount(1);
    await expect(current.locator("td").first()).toHaveText("unknown");

    const { data: listed } = await (await second.page.request.get("/api/console/sessions")).json();
    const secondId = listed.find((session: { current: boolean }) => session.current).id;
    const one = await page.request.delete(`/api/console/sessions/${secondId}`, { headers: { "x-csrf-token": csrfToken } });
    expect(one.status()).toBe(200);
    expect(await one.json()).toEqual({ data: { revoked: 1 } });
    const others = await page.request.post("/api/console/sessions/revoke-others", { headers: { "x-csrf-token": csrfToken } });
    expect(await others.json()).toEqual({ data: { revoked: 1 } });

    const events = await sessionEvents(page);
    expect(events).toHaveLength(2);
    const target = { actorName: "Ada Audit", targetType: "admin", targetId: admin.adminId, outcome: "revoked" };
    expect(events).toContainEqual(expect.objectContaining({ ...target, details: { sessions: 1, sessionId: secondId, own: true } }));
    expect(events).toContainEqual(expect.objectContaining({ ...target, details: { sessions: 1, own: true, keptCurrent: true } }));

    // The audit page lists them under the action's name.
    await page.goto("/audit?action=session.revoked");
    await expect(page.getByRole("combobox", { name: "Action" })).toContainText("Console sessions ended");
    await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(2);
  });

  test("an admin ends another admin's sessions from the user's page, and that admin is signed out", async ({ page, browser, baseURL }) => {
    const tenant = await createTestTenant("sessions-user");
    const viewer = await createConsoleAdmin(tenant, "admin", "Vera Viewer");
    const olga = await createConsoleAdmin(tenant, "helpdesk", "Olga Other");
    await signInContext(page.context(), baseURL!, viewer);
    const olgaFirefox = await signInThroughForm(browser, baseURL!, olga, FIREFOX);
    const olgaSafari = await signInThroughForm(browser, baseURL!, olga, SAFARI);

    await page.goto(`/users/${olga.userId}`);
    const access = page.getByRole("region", { name: "Console access" });
    await expect(access).toContainText("2 open sessions");
    await access.getByRole("button", { name: "End sessions" }).click();
    const confirm = page.getByRole("alertdialog", { name: "End Olga Other's sessions?" });
    await expect(confirm).toContainText("2 open sessions");
    await confirm.getByRole("button", { name: "End sessions" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole("status")).toHaveText("Ended 2 sessions of Olga Other.");
    await expect(page.getByRole("status")).toBeFocused();
    await expect(access).toContainText("0 open sessions");
    await expect(access.getByRole("button", { name: "End sessions" })).toHaveCount(0);
    await expectSignedOut(olgaFirefox);
    await expectSignedOut(olgaSafari);

    const events = await sessionEvents(page);
    expect(events).toEqual([
      expect.objectContaining({
        actorName: "Vera Viewer",
        targetType: "user",
        targetId: olga.userId,
        outcome: "revoked",
        details: { sessions: 2, own: false },
      }),
    ]);

    // One's own page points to the Sessions page instead, which keeps the current session.
    await page.goto(`/users/${viewer.userId}`);
    await expect(access).toContainText("1 open session");
    await expect(access.getByRole("button", { name: "End sessions" })).toHaveCount(0);
    await access.getByRole("link", { name: "Manage your sessions" }).click();
    await expect(page).toHaveURL(/\/sessions$/);
  });

  for (const role of ["helpdesk", "auditor"] as const) {
    test(`${role}: no End sessions button, and the server refuses`, async ({ page, browser, baseURL }) => {
      const tenant = await createTestTenant(`sessions-${role}`);
      const olga = await createConsoleAdmin(tenant, "admin", "Olga Other");
      const olgaSignedIn = await signInDirectly(browser, baseURL!, olga);
      const viewer = await createConsoleAdmin(tenant, role);
      const { csrfToken } = await signInContext(page.context(), baseURL!, viewer);

      await page.goto(`/users/${olga.userId}`);
      const access = page.getByRole("region", { name: "Console access" });
      await expect(access).toContainText("1 open session");
      await expect(page.getByRole("button", { name: "End sessions" })).toHaveCount(0);

      const response = await page.request.delete(`/api/console/users/${olga.userId}/sessions`, { headers: { "x-csrf-token": csrfToken } });
      expect(response.status()).toBe(403);
      expect(await response.json()).toMatchObject({ code: "forbidden", notices: expect.arrayContaining(["ending-admin-sessions-requires-admin-role"]) });
      expect((await olgaSignedIn.page.request.get("/api/console/sessions")).status()).toBe(200);
    });
  }

  test("another tenant's user id ends nothing", async ({ page, browser, baseURL }) => {
    const tenant = await createTestTenant("sessions-tenant");
    const { csrfToken } = await signInContext(page.context(), baseURL!, await createConsoleAdmin(tenant, "admin"));
    const elsewhere: TestTenant = await createTestTenant("sessions-elsewhere");
    const foreign = await createConsoleAdmin(elsewhere, "admin");
    const foreignSignedIn = await signInDirectly(browser, baseURL!, foreign);

    const response = await page.request.delete(`/api/console/users/${foreign.userId}/sessions`, { headers: { "x-csrf-token": csrfToken } });
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ data: { revoked: 0 } });
    const still = await foreignSignedIn.page.request.get("/api/console/sessions");
    expect(still.status()).toBe(200);
    expect((await still.json()).data).toHaveLength(1);
  });

  test("the session API wants the CSRF token, and only ends your own sessions", async ({ page, browser, baseURL }) => {
    const tenant = await createTestTenant("sessions-api");
    const { csrfToken } = await signInContext(page.context(), baseURL!, await createConsoleAdmin(tenant, "admin"));
    const colleague = await signInDirectly(browser, baseURL!, await createConsoleAdmin(tenant, "admin"));
    const { data: listed } = await (await colleague.page.request.get("/api/console/sessions")).json();
    const colleagueSession: string = listed[0].id;
    const { data: mine } = await (await page.request.get("/api/console/sessions")).json();
    const mySession: string = mine[0].id;

    for (const [method, path] of [
      ["DELETE", `/api/console/sessions/${mySession}`],
      ["POST", "/api/console/sessions/revoke-others"],
    ] as const) {
      const refused = await page.request.fetch(path, { method });
      expect(refused.status(), `${method} ${path}`).toBe(403);
      expect(await refused.json()).toMatchObject({ code: "forbidden", notices: ["csrf"] });
    }
    for (const id of [colleagueSession, randomUUID()]) {
      const missing = await page.request.delete(`/api/console/sessions/${id}`, { headers: { "x-csrf-token": csrfToken } });
      expect(missing.status()).toBe(404);
      expect(await missing.json()).toMatchObject({ code: "not_found" });
    }
    expect((await page.request.delete("/api/console/sessions/not-a-uuid", { headers: { "x-csrf-token": csrfToken } })).status()).toBe(400);
    expect((await colleague.page.request.get("/api/console/sessions")).status()).toBe(200);
    expect((await page.request.get("/api/console/sessions")).status()).toBe(200);
  });
});
