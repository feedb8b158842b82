import { expect, test } from "@playwright/test";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";
import { auditEventsOf, countOf, isActive } from "../fixtures/rows";

// Console: scheduled deactivations (issue 12, part 1). The user page's "Schedule for", its badge,
// the Scheduled view with Cancel, and a leaver file whose effective_at dates schedule rows.

const liveSchedulesOf = (tenantId: string) =>
  countOf("select count(*) as n from scheduled_deactivations where tenant_id = ? and status = 'scheduled'", tenantId);

test.describe("scheduled deactivations", () => {
  test("schedule a single deactivation, see the badge and the Scheduled view, cancel it", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("scheduled-ui");
    const admin = await createConsoleAdmin(tenant, "admin", "Sam Scheduler");
    const session = await signInContext(context, baseURL!, admin);
    const leaver = await tenant.addUser();
    const other = await tenant.addUser();

    await page.goto(`/users/${leaver.id}`);
    await page.getByRole("button", { name: "Deactivate" }).click();
    const dialog = page.getByRole("alertdialog", { name: /^Deactivate / });
    await dialog.getByRole("radio", { name: "Schedule for" }).check();
    await dialog.getByLabel("Deactivation date and time (your time zone)").fill("2030-01-15T09:30");
    await dialog.getByLabel(`Type ${leaver.email} to confirm`).fill(leaver.email);
    await dialog.getByRole("button", { name: "Schedule deactivation" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status").filter({ hasText: "deactivation is scheduled for" })).toBeVisible();
    await expect(page.getByTestId("scheduled-badge")).toContainText("Deactivation scheduled for");
    expect(await isActive(leaver.id)).toBe(true);
    expect((await auditEventsOf(tenant.tenantId, "user.deactivation_scheduled")).map((e) => e.targetId)).toEqual([leaver.id]);

    // A second one from the API, then the Scheduled view lists both soonest first.
    const scheduled = await page.request.post(`/api/console/users/${other.id}/deactivate`, {
      data: { confirmEmail: other.email, effectiveAt: "2029-06-01" },
      headers: { "x-csrf-token": session.csrfToken },
    });
    expect(scheduled.status(), await scheduled.text()).toBe(200);
    expect(((await scheduled.json()) as { data: { outcome: { status: string } } }).data.outcome.status).toBe("scheduled");

    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Scheduled" }).click();
    await expect(page.getByRole("heading", { name: "Scheduled deactivations", level: 1 })).toBeVisible();
    const rows = page.getByRole("table", { name: "Scheduled deactivations" }).locator("tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText(other.email);
    await expect(rows.nth(1)).toContainText(leaver.email);
    await expect(page.getByTestId("tenant-time-zone")).toHaveText("UTC");

    // Keyboard: focus the first row's Cancel and press Enter.
    await page.getByRole("button", { name: `Cancel the scheduled deactivation of ${other.email}` }).focus();
    await page.keyboard.press("Enter");
    await expect(rows).toHaveCount(1);
    await expect(page.getByRole("status").filter({ hasText: `Cancelled the scheduled deactivation of ${other.email}` })).toBeVisible();

    // The badge's Cancel on the user page.
    await page.goto(`/users/${leaver.id}`);
    await page.getByRole("button", { name: "Cancel schedule" }).click();
    await expect(page.getByTestId("scheduled-badge")).toHaveCount(0);
    expect(await liveSchedulesOf(tenant.tenantId)).toBe(0);
    expect(await auditEventsOf(tenant.tenantId, "user.deactivation_cancelled")).toHaveLength(2);
    expect([await isActive(leaver.id), await isActive(other.id)]).toEqual([true, true]);
  });

  test("a CSV with past and future dates: the preview's scheduled class, then the job's schedules, one run at its time", async ({ page, context, baseURL }) => {
    test.setTimeout(90_000);
    const tenant = await createTestTenant("scheduled-csv");
    const admin = await createConsoleAdmin(tenant, "admin", "Casey Csv");
    await signInContext(context, baseURL!, admin);
    const [past, future, soon, bad] = await Promise.all([tenant.addUser(), tenant.addUser(), tenant.addUser(), tenant.addUser()]);
    const soonAt = new Date(Date.now() + 25_000).toISOString();
    const csv = ["email,effective_at", `${past.email},2020-01-31`, `${future.email},2031-03-01`, `${soon.email},${soonAt}`, `${bad.email},31/01/2031`].join(
      "\n",
    );

    await page.goto("/leavers");
    await page.getByLabel("Leaver CSV file").setInputFiles({ name: "dated.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload and preview" }).click();
    const chips = page.getByRole("group", { name: "Filter rows by class" });
    for (const name of ["Will deactivate 1", "Scheduled 2", "Invalid effective date 1"])
      await expect(chips.getByRole("button", { name, exact: true })).toBeVisible();
    const rows = page.getByRole("table", { name: "Preview rows" }).locator("tbody tr");
    await expect(rows.filter({ hasText: future.email })).toContainText(/Scheduled\s+for/);
    await expect(rows.filter({ hasText: bad.email })).toContainText("31/01/2031 is not an ISO date");

    await page.getByRole("button", { name: "Deactivate 1 user, schedule 2 users" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Deactivate 1 user" }).click();
    await expect(page.getByTestId("job-status")).toHaveText("Completed", { timeout: 20_000 });
    expect([await isActive(past.id), await isActive(future.id), await isActive(bad.id)]).toEqual([false, true, true]);

    await page.goto("/scheduled");
    const scheduled = page.getByRole("table", { name: "Scheduled deactivations" }).locator("tbody tr");
    await expect(scheduled).toHaveCount(2);
    await expect(scheduled.nth(0)).toContainText(soon.email);
    await expect(scheduled.nth(1)).toContainText(future.email);
    await expect(scheduled.nth(1).getByRole("link", { name: "Leaver job, row 2" })).toBeVisible();

    // The server's executor runs the one due in seconds, within a poll of its time.
    await expect.poll(() => isActive(soon.id), { timeout: 45_000 }).toBe(false);
    const executed = (await auditEventsOf(tenant.tenantId, "user.deactivate")).filter((e) => e.targetId === soon.id);
    expect(executed).toHaveLength(1);
    expect(executed[0]!.details).toMatchObject({ scheduled: true });
    expect(executed[0]!.createdAt).toBeGreaterThanOrEqual(Date.parse(soonAt));
    expect(await liveSchedulesOf(tenant.tenantId)).toBe(1);
  });
});
