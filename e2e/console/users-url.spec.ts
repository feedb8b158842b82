import { expect, test, type Page } from "@playwright/test";
import { createUser } from "@/db/queries/users";
import { createConsoleAdmin, signInContext, type ConsoleAdmin } from "../fixtures/console";
import { createTestTenant, e2eDb } from "../fixtures/db";
import { newUserFields } from "@/lib/domain/user-fields";

// The Users page keeps its filters in the URL (components/users/use-user-filters.ts). After a
// reload, back to an entry written before it makes Next.js fetch that page from the server; the
// back, and a filter changed while that fetch is out, must show at once. Neither did until the
// fetch ended: a CI run saw "Clear filters" ignored for five seconds.

const PEOPLE = [
  { name: "Active Legal", active: true, department: "Legal" },
  { name: "Inactive Legal", active: false, department: "Legal" },
  { name: "Inactive Sales", active: false, department: "Sales" },
  { name: "Active Sales", active: true, department: "Sales" },
] as const;

let admin: ConsoleAdmin;
test.beforeAll(async () => {
  const tenant = await createTestTenant("users-url");
  for (const [i, person] of PEOPLE.entries()) {
    await createUser(e2eDb(), {
      tenantId: tenant.tenantId,
      ...newUserFields({ email: `person-${i}@${tenant.tenantName}.example`, name: person.name }),
      active: person.active,
      properties: { department: person.department },
    });
  }
  admin = await createConsoleAdmin(tenant, "helpdesk");
});

test.beforeEach(async ({ context, baseURL }) => {
  await signInContext(context, baseURL!, admin);
});

const summary = (page: Page) => page.getByRole("status").filter({ hasText: /users?$/ });

test("back, and a filter changed while Next.js still fetches the page restored by back, show at once", async ({ page }) => {
  await page.goto("/users");
  // The console admin is one of the tenant's users too.
  const everyone = `1–${PEOPLE.length + 1} of ${PEOPLE.length + 1} users`;
  await expect(summary(page)).toHaveText(everyone);
  await page.getByRole("radio", { name: "Inactive" }).click();
  await expect(summary(page)).toHaveText("1–2 of 2 users");
  await page.getByLabel("Department").selectOption("Legal");
  await expect(summary(page)).toHaveText("1–1 of 1 user");
  await page.reload();
  await expect(page.getByLabel("Department")).toHaveValue("Legal");

  // Hold the restored page's server fetch until the end.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let heldFetches = 0;
  await page.route(/\/users\?status=inactive&_rsc=/, async (route) => {
    heldFetches++;
    await held;
    await route.continue();
  });
  await page.goBack();
  await expect(page.getByLabel("Department")).toHaveValue("");
  await expect(summary(page)).toHaveText("1–2 of 2 users");
  await expect.poll(() => heldFetches).toBeGreaterThan(0);

  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(summary(page)).toHaveText(everyone);
  await expect(page.getByRole("radio", { name: "All" })).toBeChecked();
  await expect(page).toHaveURL(/\/users$/);

  // Once Next.js catches up, the page still shows what the URL says.
  const restored = page.waitForResponse(/\/users\?status=inactive&_rsc=/);
  release();
  await restored;
  await page.getByRole("radio", { name: "Active", exact: true }).click();
  await expect(summary(page)).toHaveText("1–3 of 3 users");
  await expect(page).toHaveURL(/\/users\?status=active$/);
  await page.goBack();
  await expect(summary(page)).toHaveText(everyone);
  await expect(page.getByRole("radio", { name: "All" })).toBeChecked();
});
