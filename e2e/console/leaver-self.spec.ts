import { expect, test } from "@playwright/test";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";

// Console: an admin whom a job deactivates cannot stop it (the no-self-deactivation policy), so
// their view of the job leaves out Cancel and Reject and says why; they may still approve it.

test("the admin a waiting job would deactivate sees no Cancel or Reject, and is told why; another admin sees both", async ({
  page,
  context,
  browser,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const tenant = await createTestTenant("leaver-self", { approvalThreshold: 1 });
  const alice = await createConsoleAdmin(tenant, "admin", "Alice Uploader");
  const bob = await createConsoleAdmin(tenant, "admin", "Bob Leaving");
  const carol = await createConsoleAdmin(tenant, "admin", "Carol Other");
  const colleague = await tenant.addUser();
  await signInContext(context, baseURL!, alice);
  await page.goto("/leavers");
  const csv = Buffer.from(`email,reason\n${bob.email},Leaving\n${colleague.email},Leaving\n`);
  await page.getByLabel("Leaver CSV file").setInputFiles({ name: "leavers.csv", mimeType: "text/csv", buffer: csv });
  await page.getByRole("button", { name: "Upload and preview" }).click();
  await page.getByRole("button", { name: "Deactivate 2 users" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Deactivate 2 users" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("Awaiting approval");
  const jobUrl = new URL(page.url()).pathname + new URL(page.url()).search;

  for (const [admin, leaving] of [
    [bob, true],
    [carol, false],
  ] as const) {
    const other = await browser.newContext({ baseURL });
    try {
      await signInContext(other, baseURL!, admin);
      const view = await other.newPage();
      await view.goto(jobUrl);
      await expect(view.getByTestId("job-approval")).toContainText("Awaiting approval by another admin");
      await expect(view.getByRole("button", { name: "Approve", exact: true })).toBeVisible();
      if (leaving) {
        await expect(view.getByTestId("job-deactivates-you")).toContainText("This job deactivates you");
        await expect(view.getByRole("button", { name: "Reject", exact: true })).toHaveCount(0);
        await expect(view.getByRole("button", { name: "Cancel job" })).toHaveCount(0);
      } else {
        await expect(view.getByRole("button", { name: "Reject", exact: true })).toBeVisible();
        await expect(view.getByRole("button", { name: "Cancel job" })).toBeVisible();
        await expect(view.getByTestId("job-deactivates-you")).toHaveCount(0);
      }
    } finally {
      await other.close();
    }
  }
});
