import { expect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { saveSsoSettings } from "@/db/queries/sso-configs";
import { confirmTotpEnrolment, startTotpEnrolment } from "@/lib/auth/mfa/totp-enrolment";
import { NO_PASSWORD_HASH } from "@/lib/auth/password";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { contractPath } from "@/lib/contracts/contract";
import { STEP_UP_PROBLEM_TYPE } from "@/lib/contracts/step-up";
import { SSO_CALLBACK_PATH } from "@/lib/contracts/sso";
import { userContracts } from "@/lib/contracts/users";
import { adminUserFields } from "@/lib/domain/user-fields";
import { settingsThrough, startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";
import { addVirtualAuthenticator, ageAuthentication, createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, e2eDb } from "../fixtures/db";
import { auditEventsOf, isActive } from "../fixtures/rows";

// Step-up before destructive actions (issue 11, part 3; docs/decisions/0023): with the session's
// last authentication older than STEP_UP_MAX_AGE_SECONDS (aged in the database), the Deactivate
// confirmation asks "Confirm it's you" and, once answered, goes on without another click.

let provider: TestOidcProvider;
test.beforeAll(async ({}, testInfo) => {
  provider = await startOidcProvider({ redirectUris: [`${testInfo.project.use.baseURL}${SSO_CALLBACK_PATH}`] });
});
test.afterAll(() => provider?.close());

const stepUpDialog = (page: Page) => page.getByRole("dialog", { name: "Confirm it's you" });

/** Opens the user's Deactivate confirmation, types the email and confirms. */
async function deactivate(page: Page, user: { id: string; email: string }, origin = "") {
  await page.goto(`${origin}/users/${user.id}`);
  const confirm = page.getByRole("alertdialog", { name: /^Deactivate / });
  await expect(async () => {
    await page.getByRole("button", { name: "Deactivate" }).click();
    await expect(confirm).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await confirm.getByLabel(`Type ${user.email} to confirm`).fill(user.email);
  await confirm.getByRole("button", { name: "Deactivate" }).click();
  return confirm;
}

async function expectDeactivated(page: Page, confirm: ReturnType<Page["getByRole"]>, userId: string) {
  await expect(stepUpDialog(page)).toBeHidden();
  await expect(confirm).toBeHidden();
  await expect(page.getByText("Status: Inactive")).toBeVisible();
  expect(await isActive(userId)).toBe(false);
}

/** An authenticator app enrolled a minute ago (its code then is used up): the app, to make the next codes. */
async function enrolAuthenticatorApp(admin: Parameters<typeof startTotpEnrolment>[1]) {
  const enrolledAt = Date.now() - 60_000;
  const { secret } = await startTotpEnrolment(e2eDb(), admin, enrolledAt);
  const app = new TOTP({ secret: Secret.fromBase32(secret) });
  await confirmTotpEnrolment(e2eDb(), admin, { code: app.generate({ timestamp: enrolledAt }), label: "Phone" }, { type: "system", name: "e2e" }, enrolledAt);
  return app;
}

const stepUpMethods = async (tenantId: string) =>
  (await auditEventsOf(tenantId, "session.stepped_up")).map((event) => [event.outcome, (event.details as { method: string }).method]);

test("a stale sign-in: Deactivate asks for a TOTP code, then deactivates without another click; the old session cookie is dead", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("step-up-totp");
  const admin = await createConsoleAdmin(tenant);
  const app = await enrolAuthenticatorApp(admin);
  const session = await signInContext(page.context(), baseURL!, admin);
  await ageAuthentication(admin.adminId);
  const user = await tenant.addUser({ name: "Lee Leaver" });

  const confirm = await deactivate(page, user);
  const dialog = stepUpDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Authentication code")).toBeFocused();
  expect(await isActive(user.id)).toBe(true);
  await page.keyboard.type("000000");
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("alert")).toHaveText("Wrong code");
  await dialog.getByLabel("Authentication code").fill(app.generate());
  await page.keyboard.press("Enter");
  await expectDeactivated(page, confirm, user.id);

  // The session id was rotated: the cookie the browser held before opens nothing now.
  const cookies = (await page.context().cookies()).filter((cookie) => cookie.name === SESSION_COOKIE);
  expect(cookies.map((cookie) => cookie.value)).not.toContain(session.cookieValue);
  const old = await page.request.get(contractPath(userContracts.detail, { id: user.id }), { headers: { cookie: `${SESSION_COOKIE}=${session.cookieValue}` } });
  expect(old.status()).toBe(401);
  expect(await stepUpMethods(tenant.tenantId)).toEqual([
    ["failed", "totp"],
    ["success", "totp"],
  ]);
});

test("a passkey answers the step-up (Chromium's virtual authenticator)", async ({ page, baseURL }) => {
  const origin = baseURL!.replace("127.0.0.1", "localhost");
  const tenant = await createTestTenant("step-up-passkey");
  const admin = await createConsoleAdmin(tenant);
  await addVirtualAuthenticator(page);
  await signInContext(page.context(), origin, admin);
  await page.goto(`${origin}/security`);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByRole("button", { name: "I have saved them" }).click();
  await ageAuthentication(admin.adminId);
  const user = await tenant.addUser();

  const confirm = await deactivate(page, user, origin);
  await stepUpDialog(page).getByRole("button", { name: "Use your passkey" }).click();
  await expectDeactivated(page, confirm, user.id);
  expect(await stepUpMethods(tenant.tenantId)).toEqual([["success", "passkey"]]);
});

test("an SSO admin re-authenticates at the provider in a window of its own; the page then goes on", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("step-up-sso");
  const domain = `${tenant.tenantName}.example`;
  expect((await saveSsoSettings(e2eDb(), settingsThrough(provider, tenant.tenantId, domain))).ok).toBe(true);
  const email = `sam.sso@${domain}`;
  provider.accounts.set(email, { email, name: "Sam Sso" });
  const { admin } = await createAdmin(e2eDb(), { tenantId: tenant.tenantId, ...adminUserFields(email), role: "admin", passwordHash: NO_PASSWORD_HASH });
  await signInContext(page.context(), baseURL!, { tenantId: tenant.tenantId, adminId: admin.id });
  await ageAuthentication(admin.id);
  const user = await tenant.addUser();

  const confirm = await deactivate(page, user);
  const popupOpened = page.waitForEvent("popup");
  await stepUpDialog(page).getByRole("button", { name: "Confirm with single sign-on" }).click();
  const popup = await popupOpened;
  await expect(popup.locator('input[name="login"]')).toHaveValue(email);
  await popup.locator('input[name="password"]').fill("any password");
  await popup.getByRole("button", { name: "Sign-in" }).click();
  const consent = popup.getByRole("button", { name: "Continue" });
  if (await consent.isVisible({ timeout: 3_000 }).catch(() => false)) await consent.click();
  await expectDeactivated(page, confirm, user.id);
  expect(await stepUpMethods(tenant.tenantId)).toEqual([["success", "oidc"]]);
});

test("a recent sign-in is not asked; the MFA policy is on the Sign-in settings page", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("step-up-fresh");
  const admin = await createConsoleAdmin(tenant);
  await signInContext(page.context(), baseURL!, admin);
  const user = await tenant.addUser();
  const confirm = await deactivate(page, user);
  await expectDeactivated(page, confirm, user.id);
  await expect(stepUpDialog(page)).toHaveCount(0);

  await page.goto("/settings/sign-in");
  await expect(page.getByTestId("mfa-policy")).toContainText("Not required");
  await page.getByRole("button", { name: "Require MFA for all admins" }).click();
  await expect(page.getByTestId("mfa-policy")).toContainText("Required");
  expect(await stepUpMethods(tenant.tenantId)).toEqual([]);
});

test("an API call that skips the dialog, on a stale sign-in, gets the step-up-required problem and changes nothing", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("step-up-api");
  const admin = await createConsoleAdmin(tenant);
  const session = await signInContext(page.context(), baseURL!, admin);
  await ageAuthentication(admin.adminId);
  const user = await tenant.addUser();
  const answer = await page.request.post(contractPath(userContracts.deactivate, { id: user.id }), {
    headers: { "x-csrf-token": session.csrfToken, "content-type": "application/json" },
    data: { confirmEmail: user.email },
  });
  expect(answer.status()).toBe(403);
  expect(answer.headers()["content-type"]).toMatch(/^application\/problem\+json/);
  expect(await answer.json()).toMatchObject({ type: STEP_UP_PROBLEM_TYPE, code: "step_up_required" });
  expect(await isActive(user.id)).toBe(true);
});

// Ways to step up are themselves behind it (docs/decisions/0023, amended 2026-12-07): a stale session
// cannot mint itself a factor or recovery codes and step up with them.
async function addAuthenticatorApp(page: Page) {
  await page.goto("/security");
  await page.getByRole("button", { name: "Add an authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel("6-digit code from the app").fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
  await page.getByRole("button", { name: "Verify and add" }).click();
}

test("a stale sign-in without a factor: adding an authenticator app asks for the password, then saves it", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("step-up-enrol");
  const admin = await createConsoleAdmin(tenant);
  await signInContext(page.context(), baseURL!, admin);
  await ageAuthentication(admin.adminId);

  await addAuthenticatorApp(page);
  const dialog = stepUpDialog(page);
  await dialog.getByLabel("Your password").fill(admin.password);
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  expect(await stepUpMethods(tenant.tenantId)).toEqual([["success", "password"]]);
});

test("a stale sign-in: new recovery codes need a code from the authenticator app first", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("step-up-codes");
  const admin = await createConsoleAdmin(tenant);
  const app = await enrolAuthenticatorApp(admin);
  await signInContext(page.context(), baseURL!, admin);
  await ageAuthentication(admin.adminId);

  await page.goto("/security");
  await page.getByRole("button", { name: "Generate new recovery codes" }).click();
  const dialog = stepUpDialog(page);
  await dialog.getByLabel("Authentication code").fill(app.generate());
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  expect(await stepUpMethods(tenant.tenantId)).toEqual([["success", "totp"]]);
});

test("an account with no way to step up (no factor, MFA required) is told to sign in again, and nothing is saved", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("step-up-none", { requireMfa: true });
  const admin = await createConsoleAdmin(tenant);
  await signInContext(page.context(), baseURL!, admin);
  await ageAuthentication(admin.adminId);

  await addAuthenticatorApp(page);
  const dialog = stepUpDialog(page);
  await expect(dialog.getByRole("alert")).toContainText("sign in again");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Confirm it's you" })).toBeVisible();
  expect(await prepared(e2eDb(), "select id from mfa_factors where admin_id = ?").all(admin.adminId)).toEqual([]);
});
