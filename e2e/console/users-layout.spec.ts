import { expect, test, type Page } from "@playwright/test";
import { createUser } from "@/db/queries/users";
import { createConsoleAdmin, signInContext, type ConsoleAdmin } from "../fixtures/console";
import { createTestTenant, e2eDb } from "../fixtures/db";
import { newUserFields } from "@/lib/domain/user-fields";

// The Users page's controls stay where they were drawn while the page loads and as filters apply.
// A CI run clicked "Inactive" just as the departments arrived: the shorter select let the search
// box grow, the radios moved 59 px right, and the click landed on "Active".

let admin: ConsoleAdmin;
test.beforeAll(async () => {
  const tenant = await createTestTenant("users-layout");
  for (const [i, department] of ["Legal", "Research and Development, Europe and the Middle East"].entries()) {
    await createUser(e2eDb(), {
      tenantId: tenant.tenantId,
      ...newUserFields({ email: `person-${i}@${tenant.tenantName}.example`, name: `Person ${i}` }),
      active: i === 0,
      properties: { department },
    });
  }
  admin = await createConsoleAdmin(tenant, "helpdesk");
});

test.beforeEach(async ({ context, baseURL }) => {
  await signInContext(context, baseURL!, admin);
});

/** Where each filter control is drawn, in CSS pixels. */
async function controlBoxes(page: Page) {
  const controls = [
    page.getByRole("radio", { name: "All" }),
    page.getByRole("radio", { name: "Active", exact: true }),
    page.getByRole("radio", { name: "Inactive" }),
    page.getByLabel("Department"),
  ];
  return Promise.all(controls.map((control) => control.boundingBox()));
}

test("the filter controls do not move while the page loads or when a filter applies", async ({ page }) => {
  // Held until the page is interactive, as on a slow network or a busy server.
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/console/users/departments", async (route) => {
    await released;
    await route.continue();
  });
  await page.goto("/users");
  await expect(page.getByRole("radio", { name: "Inactive" })).toBeEnabled();
  await expect(page.getByLabel("Department")).toContainText("loading");
  const whileLoading = await controlBoxes(page);

  release();
  await expect(page.getByLabel("Department").locator("option")).toHaveCount(3);
  await expect(page.getByRole("status").filter({ hasText: /users?$/ })).toHaveText("1–3 of 3 users");
  expect(await controlBoxes(page)).toEqual(whileLoading);

  // "Clear filters" appears beside them, in space kept for it.
  await page.getByRole("radio", { name: "Inactive" }).click();
  await expect(page.getByRole("button", { name: "Clear filters" })).toBeVisible();
  expect(await controlBoxes(page)).toEqual(whileLoading);
  await page.getByLabel("Department").selectOption("Research and Development, Europe and the Middle East");
  await expect(page.getByRole("status").filter({ hasText: /users?$/ })).toHaveText("1–1 of 1 user");
  expect(await controlBoxes(page)).toEqual(whileLoading);

  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page.getByRole("button", { name: "Clear filters" })).toBeHidden();
  await expect(page.getByRole("radio", { name: "All" })).toBeChecked();
  expect(await controlBoxes(page)).toEqual(whileLoading);
});
