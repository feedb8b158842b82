import { randomUUID } from "node:crypto";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { deactivateUser } from "@/db/queries/user-status";
import { createUser } from "@/db/queries/users";
import { prepared } from "@/db/prepared";
import type { LinkedBy, UserProperties } from "@/db/schema";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, e2eDb, type TestTenant } from "../fixtures/db";
import { userRow } from "../fixtures/rows";
import { newUserFields } from "@/lib/domain/user-fields";

// The console's user page (product.md §Console): profile, contacts, identities, audit history,
// and Deactivate / Reactivate for admins only. Every test makes its own tenant and people.

const HOUR = 3_600_000;

type Person = { id: string; email: string; name: string };

const INSERT_MOBILE = `insert into user_mobiles (tenant_id, user_id, kind, country_code, number, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`;
const INSERT_EMAIL = `insert into user_emails (id, tenant_id, user_id, email, email_normalized, label, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_PROVIDER = `insert into identity_providers (id, tenant_id, name, type, created_at, updated_at) values (?, ?, ?, ?, ?, ?)`;
const INSERT_IDENTITY = `insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, external_username, external_email,
  external_display_name, linked_by, last_synced_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

async function addPerson(
  tenant: TestTenant,
  options: { name?: string; properties?: Partial<UserProperties>; secondaryMobile?: boolean; otherEmails?: { email: string; label: string }[] } = {},
): Promise<Person> {
  const db = e2eDb();
  const now = Date.now();
  const email = `person-${randomUUID().slice(0, 8)}@${tenant.tenantName}.example`;
  const user = await createUser(db, {
    tenantId: tenant.tenantId,
    ...newUserFields({ email, name: options.name ?? "Priya Patel" }),
    properties: options.properties,
  });
  await prepared(db, INSERT_MOBILE).run(tenant.tenantId, user.id, "primary", "+44", "7700900123", now, now);
  if (options.secondaryMobile) await prepared(db, INSERT_MOBILE).run(tenant.tenantId, user.id, "secondary", "+31", "612345678", now, now);
  for (const [i, other] of (options.otherEmails ?? []).entries()) {
    await prepared(db, INSERT_EMAIL).run(randomUUID(), tenant.tenantId, user.id, other.email, other.email.toLowerCase(), other.label, now + i, now + i);
  }
  return { id: user.id, email: user.email, name: user.name };
}

async function addProvider(tenant: TestTenant, name: string, type: "oidc" | "saml" | "scim" | "ldap"): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await prepared(e2eDb(), INSERT_PROVIDER).run(id, tenant.tenantId, name, type, now, now);
  return id;
}

// Identities are listed oldest first: each one added is a millisecond younger than the last.
let identitySequence = 0;
async function addIdentity(
  tenant: TestTenant,
  userId: string,
  providerId: string,
  identity: { externalId: string; linkedBy: LinkedBy; lastSyncedAt: number | null; username?: string; email?: string; displayName?: string },
) {
  const now = Date.now() + identitySequence++;
  await prepared(e2eDb(), INSERT_IDENTITY).run(
    randomUUID(),
    tenant.tenantId,
    userId,
    providerId,
    identity.externalId,
    identity.username ?? null,
    identity.email ?? null,
    identity.displayName ?? null,
    identity.linkedBy,
    identity.lastSyncedAt,
    now,
    now,
  );
}

async function signIn(page: Page, baseURL: string | undefined, tenant: TestTenant, role: "admin" | "helpdesk" | "auditor" = "admin", name?: string) {
  const admin = await createConsoleAdmin(tenant, role, name);
  const session = await signInContext(page.context(), baseURL!, admin);
  return { admin, csrfToken: session.csrfToken };
}

async function userOf(id: string) {
  return (await userRow(id))!;
}

/** The value next to a label in one of the page's definition lists. */
function fact(section: Locator, label: string): Locator {
  return section.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]");
}

const section = (page: Page, heading: string) => page.getByRole("region", { name: heading, exact: false }).first();

function tokenHeaders(tenant: TestTenant, token: string) {
  return { "X-API-Key": token, "X-Tenant-ID": tenant.tenantId };
}

async function markWindow(page: Page) {
  await page.evaluate(() => ((window as unknown as { __rosterMarker?: string }).__rosterMarker = "still here"));
}
async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __rosterMarker?: string }).__rosterMarker)).toBe("still here");
}

const RICH_PROPERTIES: Partial<UserProperties> = {
  department: "Engineering",
  designation: "Staff Engineer",
  employmentType: "full-time",
  userType: "employee",
  workLocations: ["Berlin", "Remote"],
  teams: ["atlas", "nova"],
  aaaGroups: ["eng-all"],
  identification: { idType: "passport", idNum: "X1234567" },
  fileID: "F-0042",
};

test.describe("user page", () => {
  test("shows the profile, contact details, and identities with every linked-by badge and sync time", async ({ page, baseURL }) => {
    const tenant = await createTestTenant("user-page");
    const person = await addPerson(tenant, {
      name: "Priya Patel",
      properties: RICH_PROPERTIES,
      secondaryMobile: true,
      otherEmails: [{ email: "priya.home@example.test", label: "home" }],
    });
    const saml = await addProvider(tenant, "Corp SAML", "saml");
    const scim = await addProvider(tenant, "Workday SCIM", "scim");
    await addIdentity(tenant, person.id, tenant.providerId, {
      externalId: "oidc|priya",
      linkedBy: "auto",
      lastSyncedAt: Date.now() - 3 * HOUR + 5 * 60_000,
      username: "priya",
      email: person.email,
      displayName: "Priya P.",
    });
    await addIdentity(tenant, person.id, saml, { externalId: "saml-priya", linkedBy: "manual", lastSyncedAt: null });
    await addIdentity(tenant, person.id, scim, { externalId: "scim-0042", linkedBy: "scim", lastSyncedAt: Date.now() - 2 * 24 * HOUR, username: "ppatel" });
    const sparse = await addPerson(tenant, { name: "Sam Sparse" });
    await signIn(page, baseURL, tenant, "helpdesk");

    const response = await page.goto(`/users/${person.id}`);
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle(/Priya Patel/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Priya Patel");
    await expect(page.getByText("Status: Active")).toBeVisible();
    await expect(page.getByText(person.email).first()).toBeVisible();

    const profile = section(page, "Profile");
    await expect(fact(profile, "State")).toHaveText("active:available");
    await expect(fact(profile, "Department")).toHaveText("Engineering");
    await expect(fact(profile, "Designation")).toHaveText("Staff Engineer");
    await expect(fact(profile, "Employment type")).toHaveText("full-time");
    await expect(fact(profile, "Work locations")).toHaveText("Berlin, Remote");
    await expect(fact(profile, "Teams")).toHaveText("atlas, nova");
    await expect(fact(profile, "Identification")).toHaveText("passport: X1234567");
    await expect(fact(profile, "File ID")).toHaveText("F-0042");
    await expect(fact(profile, "User code")).toHaveText("none");

    const contacts = section(page, "Contact details");
    await expect(fact(contacts, "Primary email")).toHaveText(person.email);
    await expect(fact(contacts, "Other emails")).toHaveText("priya.home@example.test home");
    await expect(fact(contacts, "Primary mobile")).toHaveText("+44 7700900123");
    await expect(fact(contacts, "Secondary mobile")).toHaveText("+31 612345678");

    const table = page.getByRole("table");
    const rows = table.locator("tbody tr");
    await expect(rows).toHaveCount(3);
    await expect(table.locator("thead th")).toHaveText(["Provider", "External ID", "Username", "Email", "Display name", "Linked by", "Last sync"]);
    await expect(rows.nth(0).locator("td")).toHaveText(["Test OIDC OIDC", "oidc|priya", "priya", person.email, "Priya P.", "Auto", "3 hours ago"]);
    await expect(rows.nth(1).locator("td")).toHaveText(["Corp SAML SAML", "saml-priya", "none", "none", "none", "Manual", "never synced"]);
    await expect(rows.nth(2).locator("td")).toHaveText(["Workday SCIM SCIM", "scim-0042", "ppatel", "none", "none", "SCIM", "2 days ago"]);
    // Each linked-by badge looks different, not only reads differently.
    const colors = await table.locator("[data-linked-by]").evaluateAll((badges) => badges.map((b) => getComputedStyle(b).backgroundColor));
    expect(new Set(colors).size).toBe(3);

    // The exact time shows on keyboard focus as well as on hover.
    // Focus moves there as a Tab would, scrolling the page; the tooltip must survive the scroll.
    const synced = rows.nth(0).getByText("3 hours ago");
    await page.evaluate(() => window.scrollTo(0, 0));
    await synced.focus();
    await expect(page.getByRole("tooltip")).toContainText(String(new Date().getUTCFullYear()));
    await expect(page.getByRole("tooltip")).toContainText("UTC");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("tooltip")).toHaveCount(0);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await expect(synced).toBeFocused();
    await expect(page.getByRole("tooltip")).toContainText("UTC");
    await synced.blur();
    await expect(page.getByRole("tooltip")).toHaveCount(0);
    await rows.nth(2).getByText("2 days ago").hover();
    await expect(page.getByRole("tooltip")).toContainText("UTC");

    await page.goto(`/users/${sparse.id}`);
    const sparseContacts = section(page, "Contact details");
    await expect(fact(sparseContacts, "Secondary mobile")).toHaveText("none");
    await expect(fact(sparseContacts, "Other emails")).toHaveText("none");
    await expect(page.getByText("No accounts at identity providers are linked to this user.")).toBeVisible();
    // Helpdesk may not read the audit log, so the history is not shown to them.
    await expect(section(page, "Audit history")).toContainText("visible to admins and auditors");
  });

  test("an admin deactivates a user with a typed confirmation, and the page updates without a reload", async ({ page, baseURL, request }) => {
    const tenant = await createTestTenant("user-deactivate");
    const leaver = await tenant.addToken({ role: "admin" });
    const leaverName = (await userOf(leaver.adminUserId)).name;
    const identitiesUrl = `/v1/users/${leaver.adminUserId}/identities`;
    expect((await request.get(identitiesUrl, { headers: tokenHeaders(tenant, leaver.token) })).status()).toBe(200);
    await signIn(page, baseURL, tenant, "admin", "Olive Operator");

    await page.goto(`/users/${leaver.adminUserId}`);
    await markWindow(page);
    await expect(section(page, "Audit history")).toContainText("Nothing has been recorded");

    // Keyboard only: focus the button, open with Enter, type, submit with Enter. The server's HTML
    // shows the button before React hydrates it: an Enter pressed before then opens nothing, so retry.
    const dialog = page.getByRole("alertdialog", { name: `Deactivate ${leaverName}?` });
    await expect(async () => {
      await page.getByRole("button", { name: "Deactivate" }).focus();
      await page.keyboard.press("Enter");
      await expect(dialog).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(dialog).toContainText(
      `This will sign ${leaverName} out of Roster: their 1 personal access token and 1 console session are revoked; they can't sign in until reactivated.`,
    );
    const confirm = dialog.getByRole("button", { name: "Deactivate" });
    const input = dialog.getByLabel(`Type ${leaver.adminEmail} to confirm`);
    await expect(input).toBeFocused();
    await expect(confirm).toBeDisabled();
    await page.keyboard.type("someone.else@example.test");
    await expect(confirm).toBeDisabled();
    await page.keyboard.press("Enter");
    await expect(dialog).toBeVisible();
    expect((await userOf(leaver.adminUserId)).active).toBe(true);

    await input.fill(`  ${leaver.adminEmail.toUpperCase()} `);
    await expect(confirm).toBeEnabled();
    // The answer holds the user as it is now: the page shows it without asking the server again.
    const detailReads: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "GET" && new URL(request.url()).pathname === `/api/console/users/${leaver.adminUserId}`) detailReads.push(request.url());
    });
    await page.keyboard.press("Enter");

    await expect(dialog).toBeHidden();
    await expect(page.getByText("Status: Inactive")).toBeVisible();
    await expect(page.getByRole("status")).toHaveText(`${leaverName} was deactivated: 1 personal access token and 1 console session revoked.`);
    await expect(page.getByRole("status")).toBeFocused();
    await expect(page.getByRole("button", { name: "Deactivate" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Reactivate" })).toBeVisible();
    await expect(fact(section(page, "Profile"), "State")).toHaveText("inactive:deactivated");
    await expect(fact(section(page, "Profile"), "Deactivated")).toContainText("by Olive Operator");
    expect(detailReads).toEqual([]);
    const latest = section(page, "Audit history").getByRole("listitem").first();
    await expect(latest).toContainText("Deactivated");
    await expect(latest).toContainText("by Olive Operator (console)");
    await expect(latest).toContainText(/Tokens revoked:\s*1/);
    await expectSameDocument(page);

    expect(await userOf(leaver.adminUserId)).toMatchObject({ active: false, state: "inactive:deactivated" });
    const refused = await request.get(identitiesUrl, { headers: tokenHeaders(tenant, leaver.token) });
    expect(refused.status()).toBe(401);
  });

  test("the server refuses a confirmation that does not match the user's email", async ({ page, baseURL }) => {
    const tenant = await createTestTenant("user-confirm");
    const person = await addPerson(tenant);
    const { csrfToken } = await signIn(page, baseURL, tenant);
    await page.goto(`/users/${person.id}`);

    const wrong = await page.request.post(`/api/console/users/${person.id}/deactivate`, {
      headers: { "x-csrf-token": csrfToken },
      data: { confirmEmail: "nobody@example.test" },
    });
    expect(wrong.status()).toBe(400);
    expect(await wrong.json()).toMatchObject({
      code: "invalid_input",
      detail: expect.stringContaining("does not match"),
      errors: { confirmEmail: expect.any(String) },
    });
    const missing = await page.request.post(`/api/console/users/${person.id}/deactivate`, { headers: { "x-csrf-token": csrfToken }, data: {} });
    expect(missing.status()).toBe(400);
    const noCsrf = await page.request.post(`/api/console/users/${person.id}/deactivate`, { data: { confirmEmail: person.email } });
    expect(noCsrf.status()).toBe(403);
    expect((await userOf(person.id)).active).toBe(true);
  });

  test("an admin reactivates a user with its own audit event; revoked tokens stay revoked", async ({ page, baseURL, request }) => {
    const tenant = await createTestTenant("user-reactivate");
    const returning = await tenant.addToken({ role: "helpdesk" });
    const name = (await userOf(returning.adminUserId)).name;
    const remover = await tenant.addToken({ role: "admin" });
    await deactivateUser(e2eDb(), {
      tenantId: tenant.tenantId,
      userId: returning.adminUserId,
      actor: { type: "token", id: remover.tokenId, name: "HR sync", userId: remover.adminUserId },
    });
    await signIn(page, baseURL, tenant, "admin", "Rita Restorer");

    await page.goto(`/users/${returning.adminUserId}`);
    await markWindow(page);
    await expect(page.getByText("Status: Inactive")).toBeVisible();
    await expect(fact(section(page, "Profile"), "Deactivated")).toContainText("by HR sync");
    await expect(page.getByRole("button", { name: "Deactivate" })).toHaveCount(0);

    await page.getByRole("button", { name: "Reactivate" }).click();
    const dialog = page.getByRole("alertdialog", { name: `Reactivate ${name}?` });
    await expect(dialog).toContainText("stay revoked");
    await dialog.getByRole("button", { name: "Reactivate" }).click();

    await expect(dialog).toBeHidden();
    await expect(page.getByText("Status: Active")).toBeVisible();
    await expect(page.getByRole("status")).toHaveText(`${name} was reactivated. Tokens and sessions revoked at deactivation stay revoked.`);
    await expect(page.getByRole("button", { name: "Deactivate" })).toBeVisible();
    await expect(fact(section(page, "Profile"), "Deactivated")).toHaveCount(0);
    const events = section(page, "Audit history").getByRole("listitem");
    await expect(events.nth(0)).toContainText("Reactivated");
    await expect(events.nth(0)).toContainText("by Rita Restorer (console)");
    await expect(events.nth(1)).toContainText("Deactivated");
    await expect(events.nth(1)).toContainText("by HR sync (API token)");
    await expectSameDocument(page);

    expect(await userOf(returning.adminUserId)).toMatchObject({ active: true, state: "active:available", deactivatedAt: null, deactivatedBy: null });
    expect((await request.get(`/v1/users/${returning.adminUserId}/identities`, { headers: tokenHeaders(tenant, returning.token) })).status()).toBe(401);
  });

  for (const role of ["helpdesk", "auditor"] as const) {
    test(`${role}: no Deactivate or Reactivate, and the server refuses both`, async ({ page, baseURL }) => {
      const tenant = await createTestTenant(`user-${role}`);
      const person = await addPerson(tenant);
      const gone = await addPerson(tenant, { name: "Gone Already" });
      await deactivateUser(e2eDb(), { tenantId: tenant.tenantId, userId: gone.id, actor: { type: "admin", id: "setup", name: "Setup", userId: "setup" } });
      const { csrfToken } = await signIn(page, baseURL, tenant, role);

      await page.goto(`/users/${person.id}`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(person.name);
      await expect(page.getByRole("button", { name: "Deactivate" })).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Reactivate" })).toHaveCount(0);
      await page.goto(`/users/${gone.id}`);
      await expect(page.getByText("Status: Inactive")).toBeVisible();
      await expect(page.getByRole("button", { name: "Reactivate" })).toHaveCount(0);
      if (role === "auditor") await expect(section(page, "Audit history").getByRole("listitem").first()).toContainText("Deactivated");

      const deactivate = await page.request.post(`/api/console/users/${person.id}/deactivate`, {
        headers: { "x-csrf-token": csrfToken },
        data: { confirmEmail: person.email },
      });
      expect(deactivate.status()).toBe(403);
      expect(await deactivate.json()).toMatchObject({ code: "forbidden", notices: expect.arrayContaining(["deactivation-requires-admin-role"]) });
      const reactivate = await page.request.post(`/api/console/users/${gone.id}/reactivate`, { headers: { "x-csrf-token": csrfToken } });
      expect(reactivate.status()).toBe(403);
      expect((await userOf(person.id)).active).toBe(true);
      expect((await userOf(gone.id)).active).toBe(false);
      await page.goto(`/users/${person.id}`);
      await expect(page.getByText("Status: Active")).toBeVisible();
    });
  }

  test("an admin's own page has no Deactivate, and the server refuses self-deactivation", async ({ page, baseURL }) => {
    const tenant = await createTestTenant("user-self");
    const { admin, csrfToken } = await signIn(page, baseURL, tenant);
    await page.goto(`/users/${admin.userId}`);
    await expect(page.getByText("This is your own account: you can't deactivate yourself.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Deactivate" })).toHaveCount(0);

    const response = await page.request.post(`/api/console/users/${admin.userId}/deactivate`, {
      headers: { "x-csrf-token": csrfToken },
      data: { confirmEmail: admin.email },
    });
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ code: "forbidden", notices: expect.arrayContaining(["no-self-deactivation"]) });
    expect((await userOf(admin.userId)).active).toBe(true);
  });

  test("user-supplied text is shown as text, never run", async ({ page, baseURL }) => {
    const tenant = await createTestTenant("user-xss");
    const payload = "<img src=x onerror=alert(1)>";
    const person = await addPerson(tenant, { name: payload, properties: { department: "<script>alert(2)</script>" } });
    await addIdentity(tenant, person.id, tenant.providerId, {
      externalId: "<b>ext</b>",
      linkedBy: "manual",
      lastSyncedAt: null,
      displayName: '"><svg onload=alert(3)>',
    });
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, baseURL, tenant);

    await page.goto(`/users/${person.id}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(payload);
    await expect(fact(section(page, "Profile"), "Department")).toHaveText("<script>alert(2)</script>");
    await expect(page.getByRole("table").locator("tbody td").nth(1)).toHaveText("<b>ext</b>");
    await page.getByRole("button", { name: "Deactivate" }).click();
    await expect(page.getByRole("alertdialog")).toContainText(`This will switch ${payload} off in Roster`);
    await page.keyboard.press("Escape");
    await expect(page.getByRole("alertdialog")).toBeHidden();
    await expect(page.getByRole("button", { name: "Deactivate" })).toBeFocused();

    await expect(page.locator("main img, main svg, main script, main b")).toHaveCount(0);
    expect(dialogs).toEqual([]);
  });

  test("an unknown id, another tenant's user, and a malformed id are not found", async ({ page, baseURL }) => {
    const tenant = await createTestTenant("user-404");
    const other = await createTestTenant("user-404-other");
    const stranger = await addPerson(other, { name: "Stranger Danger" });
    await signIn(page, baseURL, tenant);

    for (const id of [randomUUID(), stranger.id, "not-a-uuid"]) {
      const response = await page.goto(`/users/${id}`);
      expect(response?.status(), id).toBe(404);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("User not found");
      await expect(page.getByText("Stranger Danger")).toHaveCount(0);
    }
    const api = await page.request.get(`/api/console/users/${stranger.id}`);
    expect(api.status()).toBe(404);
    expect(await api.json()).toMatchObject({ code: "not_found" });
  });

  test("screenshots at 1280 and 800 px", async ({ page, baseURL }) => {
    const dir = process.env.ROSTER_SHOTS_DIR;
    test.skip(!dir, "set ROSTER_SHOTS_DIR to write screenshots");
    const tenant = await createTestTenant("user-shots");
    const person = await addPerson(tenant, {
      name: "Priya Patel",
      properties: RICH_PROPERTIES,
      secondaryMobile: true,
      otherEmails: [
        { email: "priya.home@example.test", label: "home" },
        { email: "p.patel@alias.example.test", label: "alias" },
      ],
    });
    await addIdentity(tenant, person.id, tenant.providerId, {
      externalId: "oidc|0a1b2c3d4e5f",
      linkedBy: "auto",
      lastSyncedAt: Date.now() - 3 * HOUR,
      username: "priya",
      email: person.email,
      displayName: "Priya Patel",
    });
    await addIdentity(tenant, person.id, await addProvider(tenant, "Corp SAML", "saml"), { externalId: "saml-priya", linkedBy: "manual", lastSyncedAt: null });
    await addIdentity(tenant, person.id, await addProvider(tenant, "Workday", "scim"), {
      externalId: "scim-0042",
      linkedBy: "scim",
      lastSyncedAt: Date.now() - 26 * HOUR,
      username: "ppatel",
    });
    await signIn(page, baseURL, tenant, "admin", "Olive Operator");

    for (const width of [1280, 800]) {
      const shot = (name: string, fullPage = false) => page.screenshot({ path: path.join(dir!, `user-${name}-${width}.png`), fullPage });
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/users/${person.id}`);
      await page.screenshot({ path: path.join(dir!, `user-${width}.png`), fullPage: true });

      const leaver = await tenant.addToken({ role: "admin" });
      await page.goto(`/users/${leaver.adminUserId}`);
      await page.getByRole("button", { name: "Deactivate" }).click();
      const input = page.getByRole("alertdialog").getByRole("textbox");
      await input.fill(leaver.adminEmail.slice(0, 10));
      await shot("dialog");
      await input.fill(leaver.adminEmail);
      await page.getByRole("alertdialog").getByRole("button", { name: "Deactivate" }).click();
      await expect(page.getByRole("status")).toContainText("was deactivated");
      await shot("inactive", true);
      await page.getByRole("button", { name: "Reactivate" }).click();
      await shot("reactivate");
      await page.keyboard.press("Escape");
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`/users/${person.id}`);
    await page.screenshot({ path: path.join(dir!, "user-dark-1280.png"), fullPage: true });
  });
});
