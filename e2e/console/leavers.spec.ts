import { mkdirSync, readFileSync } from "node:fs";
import { expect, test, type Download, type Page } from "@playwright/test";
import Papa from "papaparse";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";
import { countOf, isActive } from "../fixtures/rows";

// Console: Leavers (issue 5, product.md §Console). Upload → preview → confirm → progress →
// results → undo through the page; every spec makes its own tenant, admin and users.

const SHOTS = "/tmp/roster-shots";
const jobsOf = (tenantId: string) => countOf("select count(*) as n from leaver_jobs where tenant_id = ?", tenantId);

function csvOf(download: Download): Promise<Record<string, string>[]> {
  return download.path().then((file) => Papa.parse<Record<string, string>>(readFileSync(file, "utf8"), { header: true, skipEmptyLines: true }).data);
}

async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 800]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/leavers-${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test.describe("console leavers", () => {
  test("upload, preview, confirm, progress, results and undo", async ({ page, context, baseURL }) => {
    test.setTimeout(60_000);
    const tenant = await createTestTenant("leavers-ui");
    const admin = await createConsoleAdmin(tenant, "admin", "Lena Leavers");
    await signInContext(context, baseURL!, admin);
    const leavers = await Promise.all(Array.from({ length: 22 }, () => tenant.addUser()));
    const inactive = await tenant.addUser({ active: false });
    const bystander = await tenant.addUser();
    const csv = Buffer.from(
      "\uFEFF" +
        [
          "Email;Reason;Ticket",
          ...leavers.map((u, i) => `${u.email};Contract ended;HR-${i + 1}`),
          // Quoted (with the separator and markup inside), and a duplicate of row 1 in another case.
          `"${leavers[0]!.email.toUpperCase()}";"Moved; <b>to</b> partner";HR-dup`,
          "not-an-email;typo;",
          "nobody@nowhere.example;;",
          `${inactive.email};Left earlier;`,
          `${admin.email};me;`,
        ].join("\r\n") +
        "\r\n",
    );

    await page.goto("/leavers");
    await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Leavers" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("heading", { name: "Leavers", level: 1 })).toBeVisible();
    await expect(page.getByText("No leaver jobs yet")).toBeVisible();
    await shoot(page, "upload");

    // 1. Upload through the real file input.
    await page.getByLabel("Leaver CSV file").setInputFiles({ name: "leavers.csv", mimeType: "text/csv", buffer: csv });
    await expect(page.getByTestId("chosen-file")).toHaveText(/^leavers\.csv · \d+\.\d KB$/);
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page).toHaveURL(/\/leavers\?preview=[0-9a-f-]{36}$/);

    // 2. Preview: counts per class, nothing changed yet.
    const chips = page.getByRole("group", { name: "Filter rows by class" });
    for (const name of ["All 27", "Will deactivate 22", "Already inactive 1", "Not found 1", "Invalid email 1", "Duplicate 1", "Yourself 1"]) {
      await expect(chips.getByRole("button", { name, exact: true })).toBeVisible();
    }
    const rows = page.getByRole("table", { name: "Preview rows" }).locator("tbody tr");
    await expect(rows).toHaveCount(25);
    // Problem rows first: invalid, not found, yourself, duplicate, already inactive, then those to deactivate.
    const reviewOrder = ["not-an-email", "nobody@nowhere.example", admin.email, leavers[0]!.email.toUpperCase(), inactive.email, leavers[0]!.email];
    for (const [i, email] of reviewOrder.entries()) await expect(rows.nth(i)).toContainText(email);
    await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("Page 1 of 2");
    await page.getByRole("button", { name: "Next →" }).click();
    await expect(rows).toHaveCount(2);
    await chips.getByRole("button", { name: "Duplicate 1" }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(leavers[0]!.email.toUpperCase());
    await expect(rows.first()).toContainText("Moved; <b>to</b> partner"); // text, not markup
    await expect(rows.first()).toContainText("of row 1");
    await chips.getByRole("button", { name: "Yourself 1" }).click();
    await expect(rows.first()).toContainText(admin.email);
    await chips.getByRole("button", { name: "All 27" }).click();
    await expect(rows).toHaveCount(25);
    expect((await Promise.all(leavers.map((u) => isActive(u.id)))).every((active) => active)).toBe(true);
    await shoot(page, "preview");

    const [previewDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download preview CSV" }).click()]);
    const previewRows = await csvOf(previewDownload);
    expect(previewRows).toHaveLength(27);
    expect(previewRows.filter((r) => r.class === "will_deactivate")).toHaveLength(22);
    expect(previewRows.find((r) => r.email === inactive.email)?.class).toBe("already_inactive");

    // The confirmation states what happens; Cancel starts nothing.
    const deactivate = page.getByRole("button", { name: "Deactivate 22 users" });
    await deactivate.click();
    const dialog = page.getByRole("alertdialog", { name: "Deactivate 22 users?" });
    await expect(dialog).toContainText("access tokens and console sessions are revoked");
    await shoot(page, "confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect(await jobsOf(tenant.tenantId)).toBe(0);

    // The worker finishes 27 rows within one batch, so to see (and reload) a job mid-way, the
    // browser is shown it as running until released; then polling must pick up the real end.
    let holdRunning = true;
    await page.route(/\/api\/console\/leaver-jobs\/[0-9a-f-]{36}$/, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { data: Record<string, unknown> };
      if (holdRunning) {
        body.data = {
          ...body.data,
          status: "running",
          processed_rows: 10,
          progress: { processed: 10, total: 27, percent: 37, rate_per_second: 20, eta_seconds: 1 },
        };
      }
      await route.fulfill({ response, json: body });
    });
    await deactivate.click();
    await dialog.getByRole("button", { name: "Deactivate 22 users" }).click();
    await expect(page).toHaveURL(/\/leavers\?job=[0-9a-f-]{36}$/);
    const jobId = new URL(page.url()).searchParams.get("job")!;

    // 3. Progress: processed / total, rate, time left and Cancel while running; a reload keeps the job view.
    const progress = page.getByTestId("job-progress");
    await expect(progress).toContainText("10 / 27 (37%)");
    await expect(progress).toContainText("20 rows/s");
    await expect(progress).toContainText("about 1 s");
    await expect(page.getByRole("button", { name: "Cancel job" })).toBeVisible();
    await shoot(page, "running");
    await page.reload();
    await expect(page.getByRole("heading", { name: "3. Deactivation job" })).toBeVisible();
    await expect(progress).toContainText("10 / 27 (37%)");
    await expect(page.getByTestId("job-status")).toHaveText("Running");
    holdRunning = false;
    await expect(page.getByTestId("job-progress")).toContainText("27 / 27 (100%)", { timeout: 15_000 });
    await expect(page.getByTestId("job-status")).toHaveText("Completed");
    await expect(page.getByRole("button", { name: "Cancel job" })).toHaveCount(0);
    await expect(page.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", "27");
    expect((await Promise.all(leavers.map((u) => isActive(u.id)))).every((active) => !active)).toBe(true);
    expect(await isActive(bystander.id)).toBe(true);

    // 4. Results: counts per outcome, a filter, and the CSV.
    const outcomes = page.getByRole("group", { name: "Filter rows by outcome" });
    for (const name of ["All 27", "Deactivated 22", "Already inactive 1", "Not found 1", "Invalid 1", "Skipped 2"]) {
      await expect(outcomes.getByRole("button", { name, exact: true })).toBeVisible();
    }
    const results = page.getByRole("table", { name: "Results" }).locator("tbody tr");
    await outcomes.getByRole("button", { name: "Skipped 2" }).click();
    await expect(results).toHaveCount(2);
    await expect(results.nth(1)).toContainText(/yourself/);
    await shoot(page, "results");

    const [resultsDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download results CSV" }).click()]);
    expect(resultsDownload.suggestedFilename()).toBe(`leaver-job-${jobId}-results.csv`);
    const outcomeOf = new Map((await csvOf(resultsDownload)).map((r) => [`${r.row}`, r.outcome]));
    expect(outcomeOf.size).toBe(27);
    expect([...outcomeOf.values()].filter((o) => o === "deactivated")).toHaveLength(22);
    expect(outcomeOf.get("23")).toBe("skipped");
    expect(outcomeOf.get("24")).toBe("invalid");
    expect(outcomeOf.get("25")).toBe("not_found");
    expect(outcomeOf.get("26")).toBe("already_inactive");
    expect(outcomeOf.get("27")).toBe("skipped");

    // 5. Undo: exactly the users this job deactivated are active again.
    await page.getByRole("button", { name: "Undo this job" }).click();
    const undoDialog = page.getByRole("alertdialog", { name: "Undo this job?" });
    await expect(undoDialog).toContainText("22 users this job deactivated");
    await undoDialog.getByRole("button", { name: "Reactivate 22 users" }).click();
    await expect(page).not.toHaveURL(new RegExp(jobId));
    await expect(page.getByRole("heading", { name: "Undo job (reactivation)" })).toBeVisible();
    await expect(page.getByTestId("job-status")).toHaveText("Completed", { timeout: 15_000 });
    await expect(page.getByRole("group", { name: "Filter rows by outcome" }).getByRole("button", { name: "Reactivated 22", exact: true })).toBeVisible();
    expect((await Promise.all(leavers.map((u) => isActive(u.id)))).every((active) => active)).toBe(true);
    expect(await isActive(inactive.id)).toBe(false);

    // Both jobs are listed and link to their page; the undone one cannot be undone twice.
    const recent = page.getByRole("table", { name: "Recent jobs" });
    await expect(recent.locator("tbody tr")).toHaveCount(2);
    await expect(recent).toContainText("Lena Leavers");
    await shoot(page, "undo");
    await recent.getByRole("link", { name: "Deactivation" }).click();
    await expect(page).toHaveURL(new RegExp(`job=${jobId}`));
    await expect(page.getByText("undone by")).toBeVisible();
    await expect(page.getByRole("button", { name: "Undo this job" })).toHaveCount(0);
  });

  test("the confirm button is on screen as soon as the preview shows, and Recent jobs follows the job", async ({ page, context, baseURL }) => {
    test.setTimeout(60_000);
    const tenant = await createTestTenant("leavers-reach");
    const admin = await createConsoleAdmin(tenant, "admin", "Rhea Reach");
    await signInContext(context, baseURL!, admin);
    const leavers = await Promise.all(Array.from({ length: 30 }, () => tenant.addUser()));
    const csv = Buffer.from(["email,reason,ticket", ...leavers.map((u, i) => `${u.email},Contract ended,HR-${i + 1}`)].join("\n") + "\n");
    const confirm = page.getByRole("button", { name: "Deactivate 30 users" });

    async function expectOnScreen() {
      const box = await confirm.boundingBox();
      const viewport = page.viewportSize()!;
      expect(box, "the button has a box").not.toBeNull();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
      expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
    }

    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 800, height: 1000 },
    ]) {
      await page.setViewportSize(viewport);
      await page.goto("/leavers");
      await page.getByLabel("Leaver CSV file").setInputFiles({ name: "leavers.csv", mimeType: "text/csv", buffer: csv });
      await page.getByRole("button", { name: "Upload and preview" }).click();
      await expect(page).toHaveURL(/\/leavers\?preview=/);
      await expect(confirm).toBeVisible();
      await expectOnScreen();
      // And still while the last rows of the page are read.
      await page.getByRole("table", { name: "Preview rows" }).locator("tbody tr").last().scrollIntoViewIfNeeded();
      await expect(page.getByRole("navigation", { name: "Pages" })).toBeInViewport();
      await expectOnScreen();
    }

    // Until the job panel has read the finished job, the list is told the job still runs; after
    // that the list's own answers come late. So only the panel can tell the list in time.
    let panelReadFinished = false;
    await page.route(/\/api\/console\/leaver-jobs\/[0-9a-f-]{36}$/, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { data: { status: string } };
      if (body.data.status === "completed") panelReadFinished = true;
      await route.fulfill({ response, json: body });
    });
    await page.route(/\/api\/console\/leaver-jobs$/, async (route) => {
      if (route.request().method() !== "GET") return route.fallback();
      const late = panelReadFinished;
      const response = await route.fetch();
      const body = (await response.json()) as { data: { status: string }[] };
      if (late) await new Promise((resolve) => setTimeout(resolve, 6_000));
      else body.data = body.data.map((job) => ({ ...job, status: "running" }));
      await route.fulfill({ response, json: body });
    });

    await confirm.click();
    await page.getByRole("alertdialog", { name: "Deactivate 30 users?" }).getByRole("button", { name: "Deactivate 30 users" }).click();
    await expect(page).toHaveURL(/\/leavers\?job=/);
    await expect(page.getByTestId("job-status")).toHaveText("Completed", { timeout: 15_000 });
    const listed = page.getByRole("table", { name: "Recent jobs" }).locator("tbody tr").first();
    await expect(listed).toContainText("Completed", { timeout: 1_500 });
    await expect(listed).toContainText("30 / 30");
    await page.unrouteAll({ behavior: "ignoreErrors" });
  });

  test("checks the file before sending it and shows the server's refusal", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("leavers-refused");
    const admin = await createConsoleAdmin(tenant);
    await signInContext(context, baseURL!, admin);
    await page.goto("/leavers");
    let uploads = 0;
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().includes("/leaver-jobs/previews")) uploads += 1;
    });
    const input = page.getByLabel("Leaver CSV file");
    const alert = page.getByRole("main").getByRole("alert");

    await input.setInputFiles({ name: "huge.csv", mimeType: "text/csv", buffer: Buffer.alloc(20 * 1024 * 1024 + 1, 0x20) });
    await expect(alert).toContainText("more than the limit of 20 MB");
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(alert).toContainText("more than the limit of 20 MB");
    expect(uploads).toBe(0);

    await input.setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from("name,reason\nAnn,left\n") });
    await expect(alert).toBeHidden();
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(alert).toContainText(/no email column/);
    expect(uploads).toBe(1);
    await expect(page).toHaveURL(/\/leavers$/);
    await shoot(page, "error");
  });

  test("helpdesk: no Leavers entry, and the page and the API refuse", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("leavers-helpdesk");
    const helpdesk = await createConsoleAdmin(tenant, "helpdesk");
    const session = await signInContext(context, baseURL!, helpdesk);
    await page.goto("/users");
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Leavers" })).toHaveCount(0);

    await page.goto("/leavers");
    await expect(page.getByText("Bulk leavers are for admins only")).toBeVisible();
    await expect(page.getByLabel("Leaver CSV file")).toHaveCount(0);
    const upload = await page.request.post("/api/console/leaver-jobs/previews", {
      headers: { "x-csrf-token": session.csrfToken },
      multipart: { file: { name: "leavers.csv", mimeType: "text/csv", buffer: Buffer.from(`email\n${(await tenant.addUser()).email}\n`) } },
      failOnStatusCode: false,
    });
    expect(upload.status()).toBe(403);
  });
});
