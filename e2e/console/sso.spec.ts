import { expect, test, type Page } from "@playwright/test";
import { prepared } from "@/db/prepared";
import { saveSsoSettings } from "@/db/queries/sso-configs";
import { SSO_CALLBACK_PATH } from "@/lib/contracts/sso";
import { settingsThrough, startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, e2eDb } from "../fixtures/db";
import { auditEventsOf } from "../fixtures/rows";

// Console: single sign-on through a real OpenID Connect provider (oidc-provider on a random
// loopback port), in a real browser: the sign-in page, the provider's own login page, the callback,
// and the role the groups claim maps (issue 11). Every spec makes its own tenant and domain.

const ROLE_MAP = { "roster-admins": "admin", "roster-helpdesk": "helpdesk", "roster-auditors": "auditor" } as const;
let provider: TestOidcProvider;

test.beforeAll(async ({}, testInfo) => {
  provider = await startOidcProvider({ redirectUris: [`${testInfo.project.use.baseURL}${SSO_CALLBACK_PATH}`] });
});
test.afterAll(() => provider?.close());

async function ssoTenant() {
  const tenant = await createTestTenant("sso");
  const domain = `${tenant.tenantName}.example`;
  expect((await saveSsoSettings(e2eDb(), settingsThrough(provider, tenant.tenantId, domain, { ...ROLE_MAP }))).ok).toBe(true);
  return { ...tenant, domain };
}

/** From Roster's sign-in page through the provider's login and consent pages, as a person would; `login`: another account than the address's. */
async function signInWithSso(page: Page, email: string, login?: string) {
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Continue with SSO" }).click();
  await expect(page).toHaveURL(new RegExp(`^${provider.issuer}/interaction/`));
  // The provider's development login page: the login is prefilled from login_hint; any password.
  await expect(page.locator('input[name="login"]')).toHaveValue(email);
  if (login) await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Console" });

test.describe("console single sign-on", () => {
  test("an auditor signs in through the provider and gets the auditor role: no admin-only controls", async ({ page }) => {
    const tenant = await ssoTenant();
    const email = `ada.auditor@${tenant.domain}`;
    provider.accounts.set(email, { email, name: "Ada Auditor", groups: ["everyone", "roster-auditors"] });

    await page.goto("/login?next=/audit");
    await signInWithSso(page, email);
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByRole("banner")).toContainText("Ada Auditor");
    await expect(page.getByRole("banner")).toContainText("auditor");
    await expect(nav(page).getByRole("link", { name: "Audit log" })).toBeVisible();
    for (const adminOnly of ["Leavers", "Provisioning", "Webhooks", "Sign-in"]) await expect(nav(page).getByRole("link", { name: adminOnly })).toHaveCount(0);
    await page.goto("/settings/sign-in");
    await expect(page.getByText("Sign-in settings are for admins only")).toBeVisible();

    const signIns = await auditEventsOf(tenant.tenantId, "session.sign_in");
    expect(signIns.map((e) => [e.outcome, e.details?.method, e.details?.role])).toEqual([["success", "oidc", "auditor"]]);
  });

  test("an admin sets SSO up on the Sign-in page, another admin signs in through it, and passwords can then go off", async ({
    page,
    context,
    baseURL,
    browser,
  }) => {
    const tenant = await createTestTenant("sso-setup");
    const domain = `${tenant.tenantName}.example`;
    const admin = await createConsoleAdmin(tenant, "admin", "Sam Setup");
    await signInContext(context, baseURL!, admin);

    await page.goto("/users");
    await nav(page).getByRole("link", { name: "Sign-in" }).click();
    await expect(page.getByRole("heading", { name: "Sign-in", level: 1 })).toBeVisible();
    await expect(page.getByTestId("sso-redirect-uri")).toHaveText(`${baseURL}${SSO_CALLBACK_PATH}`);
    await expect(page.getByTestId("sso-status")).toHaveText("Not set up");

    await page.getByLabel("Issuer URL").fill(`${provider.issuer}/`);
    await page.getByRole("button", { name: "Check discovery" }).click();
    await expect(page.getByTestId("discovery-result")).toContainText(`Found ${provider.issuer}`);
    await page.getByLabel("Client ID").fill(provider.clientId);
    await page.getByLabel("Client secret").fill(provider.clientSecret);
    await page.getByLabel("Email domains").fill(domain);
    await page.getByLabel("Role mapping").fill("roster-admins=admin\nroster-auditors=auditor");
    const passwords = page.getByRole("checkbox", { name: /Allow password sign-in/ });
    await expect(passwords).toBeDisabled();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await expect(page.getByTestId("sso-status")).toHaveText("Set up");
    await expect(page.getByLabel("Client secret")).toHaveValue("");
    await expect(page.getByLabel("Client secret")).toHaveAttribute("placeholder", /Set — leave empty to keep it/);
    expect(await page.content()).not.toContain(provider.clientSecret);

    // Someone new, in the admins' group, in a browser of their own.
    const email = `new.admin@${domain}`;
    provider.accounts.set(email, { email, name: "Nia Newadmin", groups: ["roster-admins"] });
    const other = await browser.newContext({ baseURL });
    const newcomer = await other.newPage();
    await newcomer.goto("/login");
    await signInWithSso(newcomer, email);
    await expect(newcomer).toHaveURL(/\/users$/);
    await expect(newcomer.getByRole("banner")).toContainText("Nia Newadmin");
    await expect(nav(newcomer).getByRole("link", { name: "Sign-in" })).toBeVisible();
    await other.close();

    // SSO has worked once: passwords may go off, and then the right password gets the generic answer.
    await page.reload();
    await expect(passwords).toBeEnabled();
    await passwords.uncheck();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("sso-passwords")).toHaveText("Off: admins sign in through SSO only");
    const updates = await auditEventsOf(tenant.tenantId, "sso.updated");
    expect(updates).toHaveLength(2);
    expect(JSON.stringify(updates)).not.toContain(provider.clientSecret);

    const fresh = await browser.newContext({ baseURL });
    const login = await fresh.newPage();
    await login.goto("/login");
    await login.getByLabel("Email", { exact: true }).fill(admin.email);
    await login.getByLabel("Password").fill(admin.password);
    await login.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(login.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password");
    await fresh.close();
    const refused = (await auditEventsOf(tenant.tenantId, "session.sign_in")).filter((e) => e.outcome === "failed");
    expect(refused.map((e) => e.details?.reason)).toEqual(["password_disabled"]);
  });

  test("another account that comes to hold an admin's address is sent back to the sign-in page; the admin stays signed in, and can unlink it", async ({
    page,
    browser,
    baseURL,
  }) => {
    const tenant = await ssoTenant();
    const email = `ada.admin@${tenant.domain}`;
    provider.accounts.set(email, { email, name: "Ada Admin", groups: ["roster-admins"] });
    await page.goto("/login?next=/users");
    await signInWithSso(page, email);
    await expect(page).toHaveURL(/\/users$/);

    // The provider reassigned the address: a new account holds it now, in Roster's admin group too.
    const newcomer = `newcomer-${tenant.tenantName}`;
    provider.accounts.set(newcomer, { email, name: "Someone Else", groups: ["roster-admins"] });
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto("/login");
    await signInWithSso(otherPage, email, newcomer);
    await expect(otherPage).toHaveURL(/\/login\?sso_error=other_account$/);
    await expect(otherPage.getByRole("main").getByRole("alert")).toHaveText(/Roster knows this address with another account at your sign-in provider/);
    await other.close();

    await page.reload();
    await expect(page.getByRole("banner")).toContainText("Ada Admin");
    const signIns = await auditEventsOf(tenant.tenantId, "session.sign_in");
    expect(signIns.map((e) => [e.outcome, e.details?.reason ?? null])).toEqual([
      ["success", null],
      ["failed", "other_account"],
    ]);
    expect(await auditEventsOf(tenant.tenantId, "admin.sso_account_bound")).toHaveLength(1);

    // The provider made Ada's account anew: on her user page she unlinks the old one (a helpdesk may not).
    const [bound] = await auditEventsOf(tenant.tenantId, "admin.sso_account_bound");
    const userId = (await prepared<{ userId: string }>(e2eDb(), `select user_id as "userId" from admins where id = ?`).get(bound!.targetId!))!.userId;
    const helpdesk = await browser.newContext({ baseURL });
    const helpdeskSession = await signInContext(helpdesk, baseURL!, await createConsoleAdmin(tenant, "helpdesk"));
    const refused = await helpdesk.request.delete(`/api/console/users/${userId}/sso-account`, { headers: { "x-csrf-token": helpdeskSession.csrfToken } });
    expect(refused.status()).toBe(403);
    await helpdesk.close();

    await page.goto(`/users/${userId}`);
    const access = page.getByRole("region", { name: "Console access" });
    await expect(access).toContainText(`${email} at ${provider.issuer}`);
    await access.getByRole("button", { name: "Unlink" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Unlink" }).click();
    await expect(page.getByRole("status")).toContainText("Unlinked Ada Admin's single sign-on account.");
    await expect(access).toContainText("Not linked: their next SSO sign-in links the account holding their address");
    const [forgotten] = await auditEventsOf(tenant.tenantId, "admin.sso_account_forgotten");
    expect(forgotten).toMatchObject({ actorType: "admin", targetId: bound!.targetId, details: { subject: email } });

    const again = await browser.newContext();
    const againPage = await again.newPage();
    await againPage.goto("/login?next=/users");
    await signInWithSso(againPage, email, newcomer);
    await expect(againPage).toHaveURL(/\/users$/);
    await expect(againPage.getByRole("banner")).toContainText("Ada Admin");
    await again.close();
  });

  test("an address no tenant signs in by SSO goes back to the sign-in page with a clear message", async ({ page }) => {
    await page.goto("/login?next=https://evil.example/");
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await page.getByLabel("Work email").fill("pat@no-sso-here.example");
    await page.getByRole("button", { name: "Continue with SSO" }).click();
    await expect(page).toHaveURL(/\/login\?sso_error=unknown_domain$/);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Single sign-on is not set up for that email domain/);
  });

  test("the settings API: admins only, the secret never answered, bad values and early password switch-off refused", async ({ page, context, baseURL }) => {
    const tenant = await ssoTenant();
    const csrf = (token: string) => ({ "x-csrf-token": token });
    const settings = "/api/console/sign-in-settings";
    const body = { issuer: provider.issuer, clientId: provider.clientId, domains: [tenant.domain], roleMap: { "roster-admins": "admin" } };

    for (const role of ["helpdesk", "auditor"] as const) {
      const other = await context.browser()!.newContext({ baseURL });
      const session = await signInContext(other, baseURL!, await createConsoleAdmin(tenant, role));
      expect((await other.request.get(settings)).status(), role).toBe(403);
      expect((await other.request.put(settings, { headers: csrf(session.csrfToken), data: { ...body, passwordsAllowed: true } })).status(), role).toBe(403);
      await other.close();
    }

    const session = await signInContext(context, baseURL!, await createConsoleAdmin(tenant, "admin"));
    const read = await page.request.get(settings);
    expect(read.status()).toBe(200);
    const text = await read.text();
    expect(text).not.toContain(provider.clientSecret);
    expect(JSON.parse(text).data).toMatchObject({ configured: true, clientSecretSet: true, domains: [tenant.domain] });

    expect((await page.request.put(settings, { data: { ...body, passwordsAllowed: true } })).status(), "no CSRF token").toBe(403);
    const insecure = await page.request.put(settings, {
      headers: csrf(session.csrfToken),
      data: { ...body, issuer: "http://idp.example", passwordsAllowed: true },
    });
    expect(insecure.status()).toBe(400);
    expect((await insecure.json()).errors).toEqual({ issuer: "issuer must be an https URL (http only on localhost, for development)" });
    const early = await page.request.put(settings, { headers: csrf(session.csrfToken), data: { ...body, passwordsAllowed: false } });
    expect(early.status()).toBe(409);
    expect((await early.json()).errors.passwordsAllowed).toMatch(/once someone has signed in through SSO/);
    const saved = await page.request.put(settings, { headers: csrf(session.csrfToken), data: { ...body, passwordsAllowed: true } });
    expect(saved.status()).toBe(200);
    expect(await saved.text()).not.toContain(provider.clientSecret);
  });

  test("a start another site's page sends the browser to goes back to the sign-in page, which says why (login CSRF)", async ({ page, baseURL }) => {
    const tenant = await ssoTenant();
    // A page of another site: the provider's server under the name localhost (127.0.0.1 is Roster's).
    await page.goto(`${provider.issuer.replace("127.0.0.1", "localhost")}/.well-known/openid-configuration`);
    const start = `${baseURL}/api/auth/oidc/start?email=pat%40${tenant.domain}&next=%2Fleavers`;
    await page.evaluate((url) => window.location.assign(url), start);
    await expect(page).toHaveURL(`${baseURL}/login?sso_error=cross_site_start&next=%2Fleavers`);
    await expect(page.getByRole("alert").filter({ hasText: "starts only from Roster's own sign-in page" })).toBeVisible();
  });

  test("the SSO routes redirect only to Roster's own sign-in page when they cannot go on", async ({ request }) => {
    const start = await request.get("/api/auth/oidc/start?email=pat%40no-sso-here.example&next=https%3A%2F%2Fevil.example%2F", { maxRedirects: 0 });
    expect(start.status()).toBe(303);
    expect(start.headers().location).toBe("/login?sso_error=unknown_domain");
    const callback = await request.get("/api/auth/oidc/callback?code=stolen&state=guessed", { maxRedirects: 0 });
    expect(callback.status()).toBe(303);
    expect(callback.headers().location).toBe("/login?sso_error=no_sign_in_in_progress");
    expect(callback.headers()["set-cookie"]).toMatch(/roster_oidc=;.*Max-Age=0/);
  });
});
