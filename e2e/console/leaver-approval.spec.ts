import { expect, test, type Page } from "@playwright/test";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, type TestTenant } from "../fixtures/db";
import { isActive } from "../fixtures/rows";

// Console: four-eyes approval of bulk leaver jobs (issue 12, part 2; docs/decisions/0025). Admin A
// uploads and confirms a file above the threshold; the job waits, A has no Approve button; admin
// B, in a browser context of their own, approves it with a note and it runs, then A's undo of it;
// B rejects another, which waited for A's job just before.

async function uploadAndConfirm(page: Page, tenant: TestTenant, users: number) {
  const people = await Promise.all(Array.from({ length: users }, () => tenant.addUser()));
  const csv = Buffer.from(`email,reason\n${people.map((u) => `${u.email},Contract ended`).join("\n")}\n`);
  await page.goto("/leavers");
  await page.getByLabel("Leaver CSV file").setInputFiles({ name: "leavers.csv", mimeType: "text/csv", buffer: csv });
  await page.getByRole("button", { name: "Upload and preview" }).click();
  await page.getByRole("button", { name: `Deactivate ${users} users` }).click();
  await page
    .getByRole("alertdialog")
    .getByRole("button", { name: `Deactivate ${users} users` })
    .click();
  await expect(page).toHaveURL(/\/leavers\?job=[0-9a-f-]{36}$/);
  return { people, jobId: new URL(page.url()).searchParams.get("job")! };
}

test.describe("console leaver approval", () => {
  test("a job above the threshold waits; its creator cannot approve; another admin approves with a note and it runs, and its undo; another is rejected", async ({
    page,
    context,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const tenant = await createTestTenant("approval-ui", { approvalThreshold: 3 });
    const alice = await createConsoleAdmin(tenant, "admin", "Alice Author");
    const bob = await createConsoleAdmin(tenant, "admin", "Bob Approver");
    await signInContext(context, baseURL!, alice);

    const { people, jobId } = await uploadAndConfirm(page, tenant, 4);
    await expect(page.getByTestId("job-status")).toHaveText("Awaiting approval");
    const approvalOfA = page.getByTestId("job-approval");
    await expect(approvalOfA).toContainText("Awaiting approval by another admin (expires in");
    await expect(approvalOfA).toContainText("4 users to deactivate, above this organisation's threshold of 3");
    await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Reject" })).toHaveCount(0);
    await expect(page.getByRole("table", { name: "Recent jobs" })).toContainText("Awaiting approval");
    await expect(page.getByTestId("approval-threshold")).toContainText("more than 3 users waits until another admin approves it");
    await expect(page.getByTestId("approval-threshold")).toContainText("One admin's jobs of the last 24 hours count together.");

    const bobContext = await browser.newContext({ baseURL });
    try {
      await signInContext(bobContext, baseURL!, bob);
      const bobPage = await bobContext.newPage();
      await bobPage.goto(`/leavers?job=${jobId}`);
      await expect(bobPage.getByTestId("job-approval")).toContainText("Awaiting approval by another admin");
      // By keyboard: the dialog opens on its note field, Enter approves.
      await bobPage.getByRole("button", { name: "Approve" }).focus();
      await bobPage.keyboard.press("Enter");
      const dialog = bobPage.getByRole("alertdialog", { name: "Approve this job?" });
      await expect(dialog.getByLabel("Note (optional)")).toBeFocused();
      await bobPage.keyboard.type("Matches the HR export");
      await bobPage.keyboard.press("Enter");
      await expect(bobPage.getByTestId("job-status")).toHaveText("Completed", { timeout: 20_000 });
      await expect(bobPage.getByTestId("job-approval")).toContainText("Approved by Bob Approver");
      await expect(bobPage.getByTestId("job-approval")).toContainText("“Matches the HR export”");
      // Alice's page follows by itself.
      await expect(page.getByTestId("job-status")).toHaveText("Completed", { timeout: 20_000 });
      expect(await Promise.all(people.map((u) => isActive(u.id)))).toEqual([false, false, false, false]);

      // Undoing it reactivates as many: that waits for Bob too.
      await page.getByRole("button", { name: "Undo this job" }).click();
      await page.getByRole("alertdialog", { name: "Undo this job?" }).getByRole("button", { name: "Reactivate 4 users" }).click();
      await expect(page.getByRole("heading", { name: "Undo job (reactivation)" })).toBeVisible();
      await expect(page.getByTestId("job-status")).toHaveText("Awaiting approval");
      await expect(page.getByTestId("job-approval")).toContainText("4 users to reactivate, above this organisation's threshold of 3");
      await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
      await bobPage.goto(`/leavers?job=${new URL(page.url()).searchParams.get("job")}`);
      await bobPage.getByRole("button", { name: "Approve" }).click();
      const approveUndo = bobPage.getByRole("alertdialog", { name: "Approve this job?" });
      await expect(approveUndo).toContainText("Alice Author's undo job will run: up to 4 users reactivated");
      await approveUndo.getByRole("button", { name: "Approve and run" }).click();
      await expect(bobPage.getByTestId("job-status")).toHaveText("Completed", { timeout: 20_000 });
      expect(await Promise.all(people.map((u) => isActive(u.id)))).toEqual([true, true, true, true]);

      // A job run at once counts with Alice's next one; that one is rejected: a rejection needs its note.
      await uploadAndConfirm(page, tenant, 2);
      await expect(page.getByTestId("job-status")).toHaveText("Completed", { timeout: 20_000 });
      const second = await uploadAndConfirm(page, tenant, 5);
      await expect(page.getByTestId("job-approval")).toContainText(
        "5 users to deactivate, and 2 more in the same admin's jobs of the 24 hours before, run without a second admin: 7 in all, above this organisation's threshold of 3.",
      );
      await bobPage.goto(`/leavers?job=${second.jobId}`);
      await bobPage.getByRole("button", { name: "Reject" }).click();
      const reject = bobPage.getByRole("alertdialog", { name: "Reject this job?" });
      await expect(reject.getByLabel("Why? (required)")).toBeFocused();
      await expect(reject.getByRole("button", { name: "Reject job" })).toBeDisabled();
      await reject.getByLabel("Why? (required)").fill("Two of them are on parental leave");
      await reject.getByRole("button", { name: "Reject job" }).click();
      await expect(bobPage.getByTestId("job-status")).toHaveText("Rejected");
      await expect(bobPage.getByTestId("job-approval")).toContainText("Rejected by Bob Approver");
      await expect(page.getByTestId("job-status")).toHaveText("Rejected", { timeout: 20_000 });
      await expect(page.getByRole("table", { name: "Recent jobs" })).toContainText("Rejected");
      expect(await Promise.all(second.people.map((u) => isActive(u.id)))).toEqual([true, true, true, true, true]);
    } finally {
      await bobContext.close();
    }
  });

  test("an admin sets the threshold on the Leavers page and turns it off", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("approval-setting", { approvalThreshold: 100 });
    await signInContext(context, baseURL!, await createConsoleAdmin(tenant, "admin", "Ada Admin"));
    await page.goto("/leavers");
    const card = page.getByTestId("approval-threshold");
    await expect(card).toContainText("more than 100 users");
    await card.getByLabel("above this many users").fill("250");
    await card.getByRole("button", { name: "Save" }).click();
    await expect(card).toContainText("more than 250 users");
    await card.getByLabel("Require a second admin").uncheck();
    await card.getByRole("button", { name: "Save" }).click();
    await expect(card).toContainText("Off: every confirmed job runs at once.");
    await page.reload();
    await expect(page.getByTestId("approval-threshold")).toContainText("Off");
  });
});
