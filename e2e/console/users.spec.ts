import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { inTransaction } from "@/db/prepared";
import { createUser } from "@/db/queries/users";
import { createConsoleAdmin, signInContext, type ConsoleAdmin } from "../fixtures/console";
import { createTestTenant, e2eDb, type TestTenant } from "../fixtures/db";
import { newUserFields } from "@/lib/domain/user-fields";

// The console's Users page (product.md §Console "Users"): search as you type, filters, sort,
// pagination with the total, "paste many emails", and user text rendered as text.

const DEPARTMENTS = ["Engineering", "Legal", "Sales", "Support"] as const;
const GENERATED = 1_997;
const SHOTS = "/tmp/roster-shots";

type Fixture = {
  tenant: TestTenant;
  admin: ConsoleAdmin;
  domain: string;
  total: number;
  inactive: number;
  inactiveLegal: number;
  ada: { id: string; email: string };
  formula: { id: string };
};

/** One tenant for the file: the specs only read it. Generated people plus a few with something to test. */
async function createFixture(): Promise<Fixture> {
  const tenant = await createTestTenant("users-page");
  const domain = `${tenant.tenantName}.example`;
  const db = e2eDb();
  let inactive = 0;
  let inactiveLegal = 0;
  const t0 = Date.UTC(2024, 0, 1);
  // One transaction: a commit per user would make the fixture take seconds instead of a fraction.
  await inTransaction(db, "immediate", async () => {
    for (let i = 1; i <= GENERATED; i++) {
      const n = String(i).padStart(4, "0");
      const active = i % 7 !== 0;
      const department = DEPARTMENTS[i % DEPARTMENTS.length]!;
      if (!active) inactive++;
      if (!active && department === "Legal") inactiveLegal++;
      await createUser(
        db,
        {
          tenantId: tenant.tenantId,
          ...newUserFields({ email: `person-${n}@${domain}`, name: `Person ${n}` }),
          active,
          properties: { department, designation: `${department} specialist` },
        },
        t0 + i * 60_000,
      );
    }
  });
  const ada = await createUser(db, {
    tenantId: tenant.tenantId,
    ...newUserFields({ email: `Ada.Lovelace@${domain}`, name: "Ada Lovelace" }),
    properties: { department: "Engineering", designation: "Analyst" },
  });
  await createUser(db, {
    tenantId: tenant.tenantId,
    ...newUserFields({ email: `ada.byron@${domain}`, name: "Ada Byron" }),
    active: false,
    properties: { department: "Legal" },
  });
  inactive++;
  inactiveLegal++;
  await createUser(db, {
    tenantId: tenant.tenantId,
    ...newUserFields({ email: `xss@${domain}`, name: "<img src=x onerror=alert(1)>" }),
    properties: { department: "Sales" },
  });
  const formula = await createUser(db, {
    tenantId: tenant.tenantId,
    ...newUserFields({ email: `formula@${domain}`, name: '=HYPERLINK("http://evil.example")' }),
  });
  const admin = await createConsoleAdmin(tenant, "helpdesk");
  // Another tenant's user with a matching address must never show up.
  await (await createTestTenant("users-other")).addUser({ email: `ada.other@${domain}`, name: "Ada Elsewhere" });
  return { tenant, admin, domain, total: GENERATED + 5, inactive, inactiveLegal, ada: { id: ada.id, email: ada.email }, formula: { id: formula.id } };
}

let fixture: Fixture;
let csrfToken = "";
test.beforeAll(async () => {
  fixture = await createFixture();
  fs.mkdirSync(SHOTS, { recursive: true });
});

test.beforeEach(async ({ context, baseURL, page }) => {
  csrfToken = (await signInContext(context, baseURL!, fixture.admin)).csrfToken;
  // Any alert() would mean user text ran as HTML.
  page.on("dialog", (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
});

const fmt = (n: number) => n.toLocaleString("en-US");
const summary = (page: Page) => page.getByRole("status").filter({ hasText: /users?$|No users match/ });
const rows = (page: Page) => page.getByRole("region", { name: "Users" }).locator("tbody tr");
const search = (page: Page) => page.getByRole("searchbox", { name: "Search by email" });

test("lists the tenant's users with the total, 50 to a page", async ({ page }) => {
  await page.goto("/users");
  await expect(summary(page)).toHaveText(`1–50 of ${fmt(fixture.total)} users`);
  await expect(rows(page)).toHaveCount(50);
  await expect(page.getByRole("columnheader", { name: "Email" })).toHaveAttribute("aria-sort", "ascending");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SHOTS}/users-1280.png`, fullPage: false });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: `${SHOTS}/users-800.png`, fullPage: false });
});

test("searches as you type: prefix and exact address, in any case, keeping focus", async ({ page }) => {
  await page.clock.install();
  await page.goto("/users");
  const calls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/console/users?")) calls.push(request.url());
  });
  await search(page).click();
  // Four keys 40 ms apart in the page's time, which stands still otherwise: however long a busy
  // machine takes between two of them, the debounce sees 40 ms. Then time runs again. (Paused a
  // second ahead, as if the user waited that long: the page's time must not have passed it.)
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1_000));
  for (const key of "ADA.") {
    await search(page).press(key);
    await page.clock.runFor(40);
  }
  await page.clock.resume();
  await expect(summary(page)).toHaveText("1–2 of 2 users");
  await expect(rows(page).getByRole("link")).toHaveText([`ada.byron@${fixture.domain}`, fixture.ada.email]);
  await expect(search(page)).toBeFocused();
  await expect(page).toHaveURL(/[?&]query=ADA\.(&|$)/);
  // Debounced: four keystrokes, one request.
  expect(calls).toHaveLength(1);

  await search(page).fill(fixture.ada.email.toUpperCase());
  await expect(summary(page)).toHaveText("1–1 of 1 user");
  await expect(rows(page).getByRole("link")).toHaveText(fixture.ada.email);
  await expect(rows(page).first()).toContainText("Ada Lovelace");
  await expect(rows(page).first()).toContainText("Analyst");
  await expect(rows(page).getByRole("link")).toHaveAttribute("href", `/users/${fixture.ada.id}`);
  await expect(search(page)).toBeFocused();
  await expect(page.getByTestId("search-spinner")).toHaveCount(0);

  await search(page).fill("person-012");
  await expect(summary(page)).toHaveText("1–10 of 10 users");
  await search(page).fill("zz-nobody");
  await expect(summary(page)).toHaveText("No users match “zz-nobody”");
  await expect(page.getByText("Check the spelling")).toBeVisible();

  // A reload keeps the search; clearing the box lists everyone again.
  await page.reload();
  await expect(search(page)).toHaveValue("zz-nobody");
  await search(page).fill("");
  await expect(summary(page)).toHaveText(`1–50 of ${fmt(fixture.total)} users`);
});

test("filters by status and department; the URL keeps them across reload and back", async ({ page }) => {
  await page.goto("/users");
  await page.getByRole("radio", { name: "Inactive" }).click();
  await expect(page.getByRole("radio", { name: "Inactive" })).toBeChecked();
  await expect(summary(page)).toHaveText(`1–50 of ${fmt(fixture.inactive)} users`);
  await expect(rows(page).filter({ hasText: /\bActive\b/ })).toHaveCount(0);

  await page.getByLabel("Department").selectOption("Legal");
  await expect(summary(page)).toHaveText(`1–50 of ${fmt(fixture.inactiveLegal)} users`);
  for (const text of await rows(page).locator("td:nth-child(3)").allTextContents()) expect(text).toBe("Legal");
  await expect(page).toHaveURL(/status=inactive/);
  await expect(page).toHaveURL(/department=Legal/);

  await page.reload();
  await expect(page.getByRole("radio", { name: "Inactive" })).toBeChecked();
  await expect(page.getByLabel("Department")).toHaveValue("Legal");
  await expect(summary(page)).toHaveText(`1–50 of ${fmt(fixture.inactiveLegal)} users`);

  await page.goBack();
  await expect(page.getByLabel("Department")).toHaveValue("");
  await expect(summary(page)).toHaveText(`1–50 of ${fmt(fixture.inactive)} users`);
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: `${SHOTS}/users-filtered-800.png` });

  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(summary(page)).toHaveText(`1–50 of ${fmt(fixture.total)} users`);
});

test("before its script runs, the server-rendered controls are disabled, not dead", async ({ page }) => {
  await page.route("**/_next/static/**/*.js", (route) => route.abort());
  await page.goto("/users");
  await expect(rows(page)).toHaveCount(50);
  await expect(page.getByRole("columnheader", { name: "Name" }).getByRole("button")).toBeDisabled();
  await expect(page.getByRole("navigation", { name: "Pages" }).getByRole("button", { name: "Next →" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Paste many emails" })).toBeDisabled();
  await expect(page.getByRole("radio", { name: "Inactive" })).toBeDisabled();
  await expect(page.getByLabel("Department")).toBeDisabled();
  await expect(page.getByRole("banner").getByRole("button", { name: "Sign out" })).toBeDisabled();
});

test("sorts by the column headers, announced with aria-sort", async ({ page }) => {
  await page.goto("/users");
  const names = () =>
    rows(page)
      .locator("td:nth-child(2)")
      .evaluateAll((cells) => cells.map((cell) => cell.childNodes[0]?.textContent ?? ""));
  const nameHeader = page.getByRole("columnheader", { name: "Name" });

  await nameHeader.getByRole("button").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(page).toHaveURL(/sort=name/);
  // Sorted case-insensitively; "<img …" sorts before letters.
  await expect(rows(page).first()).toContainText("<img src=x onerror=alert(1)>");
  const ascending = await names();
  expect(ascending).toEqual([...ascending].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));

  await nameHeader.getByRole("button").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  await expect(rows(page).first()).toContainText("Person 1997");
  await expect(page.getByRole("columnheader", { name: "Email" })).toHaveAttribute("aria-sort", "none");

  const created = page.getByRole("columnheader", { name: "Created" });
  await created.getByRole("button").click();
  await expect(created).toHaveAttribute("aria-sort", "descending");
  const days = await rows(page).locator("td:nth-child(5)").allTextContents();
  expect(days).toEqual([...days].sort().reverse());
});

test("pages through the list: range, total, previous and next", async ({ page }) => {
  const pages = Math.ceil(fixture.total / 50);
  await page.goto("/users");
  const pager = page.getByRole("navigation", { name: "Pages" });
  await expect(pager).toContainText(`Page 1 of ${pages}`);
  await expect(pager.getByRole("button", { name: "← Previous" })).toBeDisabled();
  const firstPageTop = await rows(page).first().getByRole("link").textContent();

  await pager.getByRole("button", { name: "Next →" }).click();
  await expect(summary(page)).toHaveText(`51–100 of ${fmt(fixture.total)} users`);
  await expect(page).toHaveURL(/page=2/);
  await expect(rows(page).first().getByRole("link")).not.toHaveText(firstPageTop!);

  await page.goto(`/users?page=${pages}`);
  const lastCount = fixture.total - (pages - 1) * 50;
  await expect(summary(page)).toHaveText(`${fmt((pages - 1) * 50 + 1)}–${fmt(fixture.total)} of ${fmt(fixture.total)} users`);
  await expect(rows(page)).toHaveCount(lastCount);
  await expect(pager.getByRole("button", { name: "Next →" })).toBeDisabled();

  await page.goBack();
  await expect(summary(page)).toHaveText(`51–100 of ${fmt(fixture.total)} users`);
});

test("a failed load says so and offers a retry", async ({ page }) => {
  await page.goto("/users");
  await page.route("**/api/console/users?*", (route) =>
    route.fulfill({
      status: 500,
      contentType: "application/problem+json",
      body: JSON.stringify({ type: "urn:roster:problem:internal", title: "Internal error", status: 500, detail: "Internal server error", code: "internal" }),
    }),
  );
  await search(page).fill("ada.");
  // The query client retries server errors twice before giving up.
  const alert = page.getByRole("main").getByRole("alert");
  await expect(alert).toContainText("Could not load users: Internal server error", { timeout: 15_000 });
  await page.unroute("**/api/console/users?*");
  await alert.getByRole("button", { name: "Retry" }).click();
  await expect(summary(page)).toHaveText("1–2 of 2 users");
  await expect(alert).toHaveCount(0);
});

test("a name that looks like HTML is shown as text", async ({ page }) => {
  await page.goto(`/users?query=xss@`);
  const row = rows(page).first();
  await expect(row.locator("td").nth(1)).toHaveText("<img src=x onerror=alert(1)>");
  await expect(page.locator("main img")).toHaveCount(0);
});

test("paste many emails: found and not-found rows, counts, copy UUIDs and a CSV escaped against formulas", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/users");
  await page.getByRole("button", { name: "Paste many emails" }).click();
  const dialog = page.getByRole("dialog", { name: "Resolve many emails" });
  const box = dialog.getByLabel("Emails");
  await expect(box).toBeFocused();
  await box.fill(
    `${fixture.ada.email.toUpperCase()}, missing@nowhere.test;formula@${fixture.domain}\n-2+3@evil.test  ${fixture.ada.email}\nada.other@${fixture.domain}`,
  );
  await expect(dialog.getByText("5 emails (1 duplicate left out)")).toBeVisible();
  await dialog.getByRole("button", { name: "Resolve" }).click();

  await expect(dialog.getByRole("status")).toHaveText("2 found · 3 not found");
  const resultRows = dialog.getByRole("region", { name: "Resolved emails" }).locator("tbody tr");
  await expect(resultRows).toHaveCount(5);
  await expect(resultRows.nth(0)).toContainText(fixture.ada.email);
  await expect(resultRows.nth(0)).toContainText(fixture.ada.id);
  await expect(resultRows.nth(0)).toContainText("Active");
  await expect(resultRows.nth(1)).toContainText('=HYPERLINK("http://evil.example")');
  await expect(resultRows.nth(2)).toContainText("missing@nowhere.test");
  await expect(resultRows.nth(2)).toContainText("Not found");
  // Another tenant's user is not found here.
  await expect(resultRows.nth(4)).toContainText(`ada.other@${fixture.domain}`);
  await expect(resultRows.nth(4)).toContainText("Not found");
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: `${SHOTS}/users-paste-800.png` });

  await dialog.getByRole("button", { name: "Copy UUIDs" }).click();
  await expect(dialog.getByText("Copied 2 UUIDs")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${fixture.ada.id}\n${fixture.formula.id}`);

  const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("resolved-users.csv");
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv.split("\r\n")).toEqual([
    "email,name,uuid,status",
    `${fixture.ada.email},Ada Lovelace,${fixture.ada.id},active`,
    `formula@${fixture.domain},"'=HYPERLINK(""http://evil.example"")",${fixture.formula.id},active`,
    "missing@nowhere.test,,,not found",
    "'-2+3@evil.test,,,not found",
    `ada.other@${fixture.domain},,,not found`,
  ]);

  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: "Paste many emails" })).toBeFocused();
});

test("paste many emails refuses more than 1,000 addresses, in the page and in the API", async ({ page, context }) => {
  await page.goto("/users");
  await page.getByRole("button", { name: "Paste many emails" }).click();
  const dialog = page.getByRole("dialog", { name: "Resolve many emails" });
  const many = Array.from({ length: 1_001 }, (_, i) => `p${i}@example.test`);
  await dialog.getByLabel("Emails").fill(many.join("\n"));
  await expect(dialog.getByRole("alert")).toHaveText("1,001 emails: at most 1,000 at a time. Split the list and resolve each part.");
  await expect(dialog.getByRole("button", { name: "Resolve" })).toBeDisabled();
  await dialog.getByLabel("Emails").fill(many.slice(1).join("\n"));
  await expect(dialog.getByText(/^1,000 emails/)).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Resolve" })).toBeEnabled();

  const response = await context.request.post("/api/console/users/resolve", { data: { emails: many }, headers: { "x-csrf-token": csrfToken } });
  expect(response.status()).toBe(400);
  expect(await response.json()).toMatchObject({ code: "invalid_input", detail: expect.stringContaining("at most 1,000 at a time") });
});

test("the list API checks its input and its caller", async ({ context, request }) => {
  for (const query of ["status=gone", "sort=password", "dir=up", "page=0", "size=500", "page=201"]) {
    const response = await context.request.get(`/api/console/users?${query}`);
    expect(response.status(), query).toBe(400);
    expect(response.headers()["content-type"], query).toContain("application/problem+json");
    expect(await response.json(), query).toMatchObject({
      type: "urn:roster:problem:invalid-input",
      title: "Invalid input",
      status: 400,
      code: "invalid_input",
      detail: "Invalid query",
      errors: expect.any(Object),
    });
  }
  const departments = await context.request.get("/api/console/users/departments");
  expect(await departments.json()).toEqual({ data: { departments: [...DEPARTMENTS] } });
  // Signed out (the bare request fixture has no cookie): 401 in the same shape.
  const anonymous = await request.get("/api/console/users");
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ code: "unauthorized" });
});

test("keyboard only: skip to content, search, filter and open a user", async ({ page }) => {
  await page.goto("/users");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Paste many emails" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(search(page)).toBeFocused();
  await page.keyboard.type("ada.");
  await expect(summary(page)).toHaveText("1–2 of 2 users");

  // Status: the checked radio takes the focus, arrows move it, space chooses.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("radio", { name: "All" })).toBeFocused();
  // One arrow at a time, each move seen before the next key (in one CI run under load two presses in a row ended elsewhere).
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("radio", { name: "Active", exact: true })).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("radio", { name: "Inactive" })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(summary(page)).toHaveText("1–1 of 1 user");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Department")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Clear filters" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(summary(page)).toHaveText("1–2 of 2 users");

  // Into the table: the sort buttons, then the first user's link.
  const emailSort = page.getByRole("columnheader", { name: "Email" }).getByRole("button");
  for (let i = 0; i < 10 && !(await emailSort.evaluate((button) => button === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(emailSort).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("columnheader", { name: "Email" })).toHaveAttribute("aria-sort", "descending");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: fixture.ada.email })).toBeFocused();
  const outline = await page.getByRole("link", { name: fixture.ada.email }).evaluate((link) => getComputedStyle(link).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/users/${fixture.ada.id}$`));
});
