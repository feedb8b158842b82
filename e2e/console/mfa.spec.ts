import { expect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { prepared } from "@/db/prepared";
import { PENDING_SIGN_IN_COOKIE } from "@/lib/auth/mfa/pending-sign-in";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { contractHref } from "@/lib/contracts/contract";
import { mfaContracts } from "@/lib/contracts/mfa";
import { sessionContracts } from "@/lib/contracts/session";
import { userContracts } from "@/lib/contracts/users";
import { addVirtualAuthenticator, createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, e2eDb } from "../fixtures/db";

// MFA for console accounts (docs/decisions/0022): under the tenant's policy a password alone never
// opens the console; the first sign-in enrols an authenticator app, later ones take its codes or a
// recovery code, each once.

async function submitPassword(page: Page, email: string, password: string, origin = "") {
  await page.goto(`${origin}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

const sessionCookies = async (page: Page) => (await page.context().cookies()).filter((cookie) => cookie.name === SESSION_COOKIE);

async function submitCode(page: Page, label: "Authentication code" | "Recovery code", code: string) {
  await page.getByLabel(label).fill(code);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
}

test("under the policy a password alone opens nothing; the first sign-in enrols TOTP, later ones take a code or a recovery code once", async ({ page }) => {
  test.setTimeout(90_000);
  const tenant = await createTestTenant("mfa", { requireMfa: true });
  const admin = await createConsoleAdmin(tenant);

  await submitPassword(page, admin.email, admin.password);
  await expect(page.getByText("Your organisation requires a second factor.")).toBeVisible();
  // The password step set only the pending sign-in cookie: no session, and the console's API refuses it.
  const cookies = await page.context().cookies();
  expect(cookies.map((cookie) => cookie.name)).toContain(PENDING_SIGN_IN_COOKIE);
  expect(await sessionCookies(page)).toEqual([]);
  const pendingCookie = cookies.find((cookie) => cookie.name === PENDING_SIGN_IN_COOKIE)!;
  expect(pendingCookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: sessionContracts.signIn.path });
  const asConsole = { headers: { cookie: `${SESSION_COOKIE}=${pendingCookie.value}; ${PENDING_SIGN_IN_COOKIE}=${pendingCookie.value}` } };
  expect((await page.request.get(contractHref(userContracts.list), asConsole)).status()).toBe(401);
  expect((await page.request.get(mfaContracts.overview.path, asConsole)).status()).toBe(401);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login$/);

  // Enrolment: a wrong code is refused; the code the app shows signs in and shows the recovery codes once.
  await submitPassword(page, admin.email, admin.password);
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  const app = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
  await expect(page.getByLabel("6-digit code from the app")).toBeFocused();
  await expect(page.getByLabel("6-digit code from the app")).toHaveAttribute("autocomplete", "one-time-code");
  const wrong = String((Number(app.generate()) + 500_000) % 1_000_000).padStart(6, "0");
  await page.getByLabel("6-digit code from the app").fill(wrong);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong code");
  await page.getByLabel("6-digit code from the app").fill(app.generate());
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  const shownCodes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(shownCodes).toHaveCount(10);
  const codes = (await shownCodes.allTextContents()).map((code) => code.trim());
  await page.getByRole("button", { name: "Continue to Roster" }).click();
  await expect(page).toHaveURL(/\/users$/);
  expect(await sessionCookies(page)).toHaveLength(1);
  await signOut(page);

  // A later sign-in: the next step's code works once (the enrolment's step is spent), then it is a replay.
  const next = app.generate({ timestamp: Date.now() + 30_000 });
  await submitPassword(page, admin.email, admin.password);
  await expect(page.getByText("Enter the 6-digit code from your authenticator app.")).toBeVisible();
  expect(await sessionCookies(page)).toEqual([]);
  await submitCode(page, "Authentication code", next);
  await expect(page).toHaveURL(/\/users$/);
  await signOut(page);
  await submitPassword(page, admin.email, admin.password);
  await submitCode(page, "Authentication code", next);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("That code was used already: wait for the next one");

  // A recovery code signs in once.
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await submitCode(page, "Recovery code", codes[0]!);
  await expect(page).toHaveURL(/\/users$/);
  await signOut(page);
  await submitPassword(page, admin.email, admin.password);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await submitCode(page, "Recovery code", codes[0]!);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong code");
  expect(await sessionCookies(page)).toEqual([]);

  const events = await prepared<{ outcome: string; details: string }>(
    e2eDb(),
    "select outcome, details from audit_events where action = 'session.sign_in' and target_id = ? and outcome = 'success' order by created_at",
  ).all(admin.adminId);
  expect(events.map((event) => (JSON.parse(event.details) as { method: string }).method)).toEqual(["totp", "totp", "recovery_code"]);
});

test("a passkey added on the Security page answers the sign-in's second step (Chromium's virtual authenticator)", async ({ page, baseURL }) => {
  // WebAuthn refuses IP addresses as relying party ids; Chromium treats localhost as a secure context.
  const origin = baseURL!.replace("127.0.0.1", "localhost");
  const admin = await createConsoleAdmin(await createTestTenant("mfa-passkey", { requireMfa: true }));
  await addVirtualAuthenticator(page);
  await signInContext(page.context(), origin, admin);
  await page.goto(`${origin}/security`);
  await page.getByLabel("Passkey name (optional)").fill("Laptop");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByRole("rowheader", { name: "Laptop" })).toBeVisible();
  await signOut(page);

  await submitPassword(page, admin.email, admin.password, origin);
  await expect(page.getByRole("button", { name: "Use your passkey" })).toBeVisible();
  expect(await sessionCookies(page)).toEqual([]);
  await page.getByRole("button", { name: "Use your passkey" }).click();
  await expect(page).toHaveURL(/\/users$/);
  const methods = await prepared<{ details: string }>(
    e2eDb(),
    "select details from audit_events where action = 'session.sign_in' and target_id = ? and outcome = 'success'",
  ).all(admin.adminId);
  expect(methods.map((event) => (JSON.parse(event.details) as { method: string }).method)).toEqual(["passkey"]);
  const lastUsed = await prepared<{ lastUsedAt: number | null }>(e2eDb(), `select last_used_at as "lastUsedAt" from mfa_factors where admin_id = ?`).get(
    admin.adminId,
  );
  expect(lastUsed?.lastUsedAt).toEqual(expect.any(Number));
});

test("the Security page lists factors, keeps the last one under the policy, and lets an admin turn the policy off (audited)", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("mfa-page", { requireMfa: true });
  const admin = await createConsoleAdmin(tenant);
  await signInContext(page.context(), baseURL!, admin);
  await page.goto("/security");
  await expect(page.getByRole("heading", { level: 1, name: "Security" })).toBeVisible();
  await expect(page.getByText("You have no second factor yet")).toBeVisible();

  await page.getByRole("button", { name: "Add an authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  const app = new TOTP({ secret: Secret.fromBase32(secret) });
  await page.getByLabel("6-digit code from the app").fill(app.generate());
  await page.getByLabel("Name (optional)").fill("Work phone");
  await page.getByRole("button", { name: "Verify and add" }).click();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByRole("rowheader", { name: "Work phone" })).toBeVisible();
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("10 unused recovery codes left.");
  await expect(page.getByRole("button", { name: "Remove Work phone" })).toBeDisabled();

  await page.getByRole("button", { name: "Stop requiring MFA" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Stop requiring MFA" }).click();
  await expect(page.getByTestId("mfa-policy")).toContainText("Not required");
  await expect(page.getByRole("button", { name: "Remove Work phone" })).toBeEnabled();
  const changed = await prepared<{ details: string }>(
    e2eDb(),
    "select details from audit_events where action = 'tenant.mfa_policy_changed' and tenant_id = ?",
  ).all(tenant.tenantId);
  expect(changed.map((event) => JSON.parse(event.details) as unknown)).toEqual([{ from: true, to: false }]);
});

test("helpdesk sees the policy but cannot change it, in the page or through the API", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("mfa-helpdesk", { requireMfa: true });
  const helpdesk = await createConsoleAdmin(tenant, "helpdesk");
  const session = await signInContext(page.context(), baseURL!, helpdesk);
  await page.goto("/security");
  await expect(page.getByTestId("mfa-policy")).toContainText("Required");
  await expect(page.getByRole("button", { name: "Stop requiring MFA" })).toHaveCount(0);
  const refused = await page.request.put(mfaContracts.setPolicy.path, {
    headers: { "x-csrf-token": session.csrfToken, "content-type": "application/json" },
    data: { requireMfa: false },
  });
  expect(refused.status()).toBe(403);
  expect((await prepared<{ n: number }>(e2eDb(), "select require_mfa as n from tenants where id = ?").get(tenant.tenantId))?.n).toBe(1);
});
