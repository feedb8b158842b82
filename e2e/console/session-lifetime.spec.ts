import { expect, test, type Page } from "@playwright/test";
import { OWN_ADMIN_PASSWORD, ownDatabase, seedOwnTenant, startServer, type OwnDatabase, type OwnServer, type OwnTenant } from "../fixtures/server";
import { SESSION_COOKIE } from "@/lib/auth/session";

// A session not used for SESSION_IDLE_TIMEOUT_SECONDS ends (ASVS 7.3.1), and every sign-in starts
// a new session, ending the one the browser held (ASVS 7.2.4). A server of its own runs with a
// 3-second idle timeout so that waiting it out is quick.

const IDLE_SECONDS = 3;

test.describe("console session lifetime", () => {
  test.describe.configure({ timeout: 120_000 });
  let database: OwnDatabase;
  let seeded: OwnTenant;
  let server: OwnServer;

  test.beforeAll(async () => {
    database = await ownDatabase("session_lifetime");
    seeded = await seedOwnTenant(database.url, 5, "lifetime");
    server = await startServer(database.url, { SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS) });
  });
  test.afterAll(async () => {
    await server?.stop("SIGKILL");
    await database?.remove();
  });

  async function signIn(page: Page) {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel("Email").fill(seeded.adminEmail);
    await page.getByLabel("Password").fill(OWN_ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/users$/);
  }
  const sessionCookie = async (page: Page) => (await page.context().cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
  const apiStatus = async (page: Page, cookie: string) =>
    (await page.request.get(`${server.baseUrl}/api/console/sessions`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } })).status();

  test("used, a session outlives the idle timeout; left alone, it ends and the console asks to sign in again", async ({ page }) => {
    await signIn(page);
    const cookie = await sessionCookie(page);
    // Twice the idle timeout of steady use: every second a request.
    for (let second = 0; second < 2 * IDLE_SECONDS; second++) {
      await page.waitForTimeout(1_000);
      expect(await apiStatus(page, cookie), `after ${second + 1} s of use`).toBe(200);
    }
    await page.waitForTimeout((IDLE_SECONDS + 1) * 1_000);
    expect(await apiStatus(page, cookie)).toBe(401);
    await page.goto(`${server.baseUrl}/users`);
    await expect(page).toHaveURL(/\/login/);
  });

  test("signing in again starts a new session and ends the one the browser held", async ({ page }) => {
    await signIn(page);
    const first = await sessionCookie(page);
    // The login page sends a signed-in browser on; a sign-in posted with the cookie is what another tab would do.
    const again = await page.request.post(`${server.baseUrl}/api/console/session`, {
      data: { email: seeded.adminEmail, password: OWN_ADMIN_PASSWORD },
      headers: { origin: server.baseUrl },
    });
    expect(again.status()).toBe(200);
    const second = await sessionCookie(page);
    expect(second).not.toBe(first);
    expect(await apiStatus(page, second)).toBe(200);
    expect(await apiStatus(page, first)).toBe(401);
  });
});
