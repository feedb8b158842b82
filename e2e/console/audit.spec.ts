import fs from "node:fs";
import { randomUUID } from "node:crypto";
import Papa from "papaparse";
import { expect, test, type Page } from "@playwright/test";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, type TestTenant } from "../fixtures/db";
import { insertAuditEvent } from "../fixtures/rows";

// Console: Audit log (product.md §Console, §Domain audit event). Events are inserted with known
// times in June 2024, before anything the fixtures themselves record, so time filters are exact.

// The browser runs in Berlin (UTC+2 in June): the from/to fields are local time, the URL and API UTC.
test.use({ timezoneId: "Europe/Berlin", locale: "en-US" });

const at = (iso: string) => Date.parse(iso);

type Seeded = { tenant: TestTenant; jane: { id: string; email: string }; tokenId: string };

async function seedEvents(): Promise<Seeded> {
  const tenant = await createTestTenant("audit");
  const jane = await tenant.addUser({ email: `jane-${randomUUID().slice(0, 6)}@audit.example`, name: "Jane Doe" });
  const tokenId = randomUUID();
  const base = { tenantId: tenant.tenantId, targetType: "user", outcome: "success", requestId: null, details: null } as const;
  const rows = [
    {
      ...base,
      createdAt: at("2024-06-01T12:00:00Z"),
      actorType: "admin",
      actorId: "admin-alice",
      actorName: "Alice Admin",
      action: "user.deactivate",
      targetId: jane.id,
      outcome: "deactivated",
      details: { email: jane.email },
    },
    {
      ...base,
      createdAt: at("2024-06-01T12:10:00Z"),
      actorType: "token",
      actorId: "tok-bob",
      actorName: "Bob Script",
      action: "user.reactivate",
      targetId: jane.id,
      outcome: "reactivated",
    },
    {
      ...base,
      createdAt: at("2024-06-01T12:20:30Z"),
      actorType: "admin",
      actorId: "admin-alice",
      actorName: "Alice Admin",
      action: "token.created",
      targetType: "token",
      targetId: tokenId,
      details: { name: "CI", scopes: ["users:read"] },
    },
    // Hostile values, as a CSV opened in a spreadsheet would run them.
    {
      ...base,
      createdAt: at("2024-06-01T13:00:00Z"),
      actorType: "system",
      actorId: null,
      actorName: "=cmd|' /C calc'!A0",
      action: "identity.link",
      targetType: "identity",
      targetId: "ident-9",
      requestId: "@SUM(1+1)",
      details: { note: "-2+3" },
    },
  ] as const;
  for (const row of rows) await insertAuditEvent({ id: randomUUID(), ...row });
  // Filler for pagination: 60 batch events, one a minute on June 2nd.
  for (let i = 0; i < 60; i++) {
    await insertAuditEvent({
      ...base,
      id: randomUUID(),
      createdAt: at("2024-06-02T08:00:00Z") + i * 60_000,
      actorType: "system",
      actorId: null,
      actorName: "Batch Bot",
      action: "job.row",
      targetId: `row-${String(i).padStart(2, "0")}`,
    });
  }
  // Same actor name in another tenant: must never show up.
  const other = await createTestTenant("audit-other");
  await insertAuditEvent({
    ...base,
    id: randomUUID(),
    tenantId: other.tenantId,
    createdAt: at("2024-06-01T12:05:00Z"),
    actorType: "admin",
    actorId: "admin-alice",
    actorName: "Alice Admin",
    action: "user.deactivate",
    targetId: jane.id,
  });
  return { tenant, jane, tokenId };
}

async function signedIn(page: Page, baseURL: string, tenant: TestTenant, role: "admin" | "auditor" | "helpdesk" = "admin") {
  const admin = await createConsoleAdmin(tenant, role);
  await signInContext(page.context(), baseURL, admin);
  return admin;
}

const rows = (page: Page) => page.getByRole("table").locator("tbody tr");
const actionsShown = async (page: Page) => (await rows(page).locator("td:nth-child(3)").allTextContents()).map((text) => text.trim());

async function apply(page: Page) {
  await page.getByRole("button", { name: "Apply filters" }).click();
}

test.describe("console audit log", () => {
  test("filters by actor, action, target and time range; the filters live in the URL", async ({ page, baseURL }) => {
    const { tenant, jane, tokenId } = await seedEvents();
    await signedIn(page, baseURL!, tenant, "auditor");
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();

    // Actor: a case-insensitive part of the name.
    await page.getByLabel("Actor", { exact: true }).fill("alice");
    await apply(page);
    await expect(page).toHaveURL(/\/audit\?actor=alice$/);
    await expect.poll(() => actionsShown(page)).toEqual(["token.created", "user.deactivate"]);
    await expect(page.getByText("1–2 of 2 events")).toBeVisible();

    // Action from the list of known actions, combined with the actor.
    await page.getByRole("combobox", { name: "Action" }).click();
    await page.getByRole("option", { name: /User deactivated/ }).click();
    await apply(page);
    await expect(page).toHaveURL(/actor=alice&action=user\.deactivate/);
    await expect.poll(() => actionsShown(page)).toEqual(["user.deactivate"]);
    const row = rows(page).first();
    await expect(row).toContainText("Alice Admin");
    await expect(row).toContainText(`email: ${jane.email}`);
    // The Target column names the person (the user's email, linking to their page), not a cut id.
    const target = row.locator('td[data-label="Target"]');
    await expect(target.getByRole("link", { name: jane.email })).toHaveAttribute("href", `/users/${jane.id}`);
    await expect(target.getByRole("link", { name: jane.email })).toHaveAttribute("title", jane.id);
    // Exact time on hover, in the browser's zone (12:00 UTC is 14:00 in Berlin).
    await expect(row.locator("time")).toHaveText(/Jun 1, 2024, 2:00:00\sPM/);
    await row.locator("time").hover();
    await expect(page.getByRole("tooltip")).toContainText(/June 1, 2024.*2:00:00\sPM GMT\+2/);
    await expect(page.getByRole("tooltip")).toContainText("2024-06-01 12:00:00 UTC");

    // Clear, then a typed prefix under "Other".
    await page.getByRole("button", { name: "Clear" }).first().click();
    await expect(page).toHaveURL(/\/audit$/);
    await page.getByRole("combobox", { name: "Action" }).click();
    await page.getByRole("option", { name: /Other…/ }).click();
    await page.getByLabel("Other action or prefix", { exact: true }).fill("user.");
    await apply(page);
    await expect(page).toHaveURL(/action=user\./);
    await expect.poll(() => actionsShown(page)).toEqual(["user.reactivate", "user.deactivate"]);

    // Target by a user's email: resolved to the user's id.
    await page.goto(`/audit?target=${encodeURIComponent(jane.email.toUpperCase())}`);
    await expect(page.getByLabel("Target", { exact: true })).toHaveValue(jane.email.toUpperCase());
    await expect.poll(() => actionsShown(page)).toEqual(["user.reactivate", "user.deactivate"]);
    await page.getByLabel("Target", { exact: true }).fill(tokenId);
    await apply(page);
    await expect.poll(() => actionsShown(page)).toEqual(["token.created"]);

    // Time range in local time; "to" includes its whole minute (the event at 12:20:30 UTC).
    await page.getByRole("button", { name: "Clear" }).first().click();
    // The form restarts from the (now empty) URL; wait for that before typing.
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByLabel("Target", { exact: true })).toHaveValue("");
    await page.getByLabel("From", { exact: true }).fill("2024-06-01T14:05");
    await page.getByLabel("To", { exact: true }).fill("2024-06-01T14:20");
    await apply(page);
    await expect(page).toHaveURL(/from=2024-06-01T12%3A05Z&to=2024-06-01T12%3A20Z/);
    await expect.poll(() => actionsShown(page)).toEqual(["token.created", "user.reactivate"]);
    // Reloading keeps the filters, and the fields show them in local time again.
    await page.reload();
    await expect(page.getByLabel("From", { exact: true })).toHaveValue("2024-06-01T14:05");
    await expect(page.getByLabel("To", { exact: true })).toHaveValue("2024-06-01T14:20");
    await expect.poll(() => actionsShown(page)).toEqual(["token.created", "user.reactivate"]);

    // Nothing matches: an empty state that offers to clear.
    await page.goto("/audit?actor=nobody-at-all");
    await expect(page.getByText("No events match these filters.")).toBeVisible();

    // A filter the API cannot read: the error says which one.
    await page.goto("/audit?from=last-tuesday");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("from must be an ISO date or date-time");
  });

  test("the API filters the same way, scoped to the tenant, and names bad input", async ({ page, baseURL }) => {
    const { tenant, jane } = await seedEvents();
    await signedIn(page, baseURL!, tenant, "admin");
    const get = async (query: string) => {
      const response = await page.request.get(`/api/console/audit?${query}`);
      return { status: response.status(), body: await response.json() };
    };

    const all = await get("from=2024-06-01&to=2024-06-01");
    expect(all.status).toBe(200);
    expect(all.body.data).toMatchObject({ total: 4, page: 1, size: 50 });
    expect(all.body.data.events.map((e: { action: string }) => e.action)).toEqual(["identity.link", "token.created", "user.reactivate", "user.deactivate"]);
    expect(all.body.data.events[3]).toEqual({
      id: expect.any(String),
      at: "2024-06-01T12:00:00.000Z",
      actorType: "admin",
      actorName: "Alice Admin",
      actorId: "admin-alice",
      action: "user.deactivate",
      targetType: "user",
      targetId: jane.id,
      targetLabel: jane.email,
      outcome: "deactivated",
      requestId: null,
      details: { email: jane.email },
    });
    expect((await get("actor=ADMIN-ALICE")).body.data.total).toBe(2); // matches the actor id too
    expect((await get(`target=${jane.id}`)).body.data.total).toBe(2);
    expect((await get("action=job.&size=7&page=9")).body.data).toMatchObject({ total: 60, page: 9, size: 7 });
    expect((await get("action=job.&size=7&page=9")).body.data.events).toHaveLength(4);
    expect((await get("from=2024-06-01T12:10:00Z&to=2024-06-01T13:20:31%2B01:00")).body.data.total).toBe(2);

    for (const [query, field] of [
      ["from=yesterday", "query.from"],
      ["to=2024-13-45", "query.to"],
      ["from=2024-06-02&to=2024-06-01", "query.from"],
      ["size=500", "query.size"],
      ["page=0", "query.page"],
    ]) {
      const bad = await get(query!);
      expect(bad.status, query).toBe(400);
      expect(bad.body.code, query).toBe("invalid_input");
      expect(Object.keys(bad.body.errors), query).toContain(field);
    }
  });

  test("pagination: 50 a page with the total, newer and older pages", async ({ page, baseURL }) => {
    const { tenant } = await seedEvents();
    await signedIn(page, baseURL!, tenant);
    await page.goto("/audit?action=job.");
    await expect(page.getByText("1–50 of 60 events · page 1 of 2")).toBeVisible();
    await expect(rows(page)).toHaveCount(50);
    await expect(rows(page).first()).toContainText("row-59");
    await expect(page.getByText("← Newer")).toHaveAttribute("aria-disabled", "true");

    await page.getByRole("link", { name: "Older →" }).click();
    await expect(page).toHaveURL(/action=job\.&page=2/);
    await expect(page.getByText("51–60 of 60 events · page 2 of 2")).toBeVisible();
    await expect(rows(page)).toHaveCount(10);
    await expect(rows(page).last()).toContainText("row-00");

    await page.getByRole("link", { name: "← Newer" }).click();
    await expect(page.getByText("1–50 of 60 events · page 1 of 2")).toBeVisible();
    // Back goes to the previous page of results, as the filters are in the URL.
    await page.goBack();
    await expect(page.getByText("51–60 of 60 events · page 2 of 2")).toBeVisible();
  });

  test("CSV export: the current filters, a header row, and formula-like cells escaped", async ({ page, baseURL }) => {
    const { tenant, jane } = await seedEvents();
    await signedIn(page, baseURL!, tenant);
    await page.goto("/audit?from=2024-06-01T00:00Z&to=2024-06-01T23:59Z");
    await expect.poll(() => actionsShown(page)).toHaveLength(4);

    const exportLink = page.getByRole("link", { name: "Export CSV" });
    await expect(exportLink).toHaveAttribute("href", "/api/console/audit/export?from=2024-06-01T00%3A00Z&to=2024-06-01T23%3A59Z");
    const [download] = await Promise.all([page.waitForEvent("download"), exportLink.click()]);
    expect(download.suggestedFilename()).toMatch(/^roster-audit-\d{8}T\d{6}Z\.csv$/);
    const csv = fs.readFileSync((await download.path())!, "utf8");
    const [header, ...records] = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
    expect(header).toEqual([
      "time",
      "actor_type",
      "actor_name",
      "actor_id",
      "action",
      "target_type",
      "target_id",
      "target",
      "outcome",
      "request_id",
      "details",
      "event_id",
      "chain_seq",
      "prev_hash",
      "hash",
      "hashed_content",
    ]);
    expect(records.map((r) => r[4])).toEqual(["identity.link", "token.created", "user.reactivate", "user.deactivate"]);
    const hostile = records[0]!;
    expect(hostile[2]).toBe("'=cmd|' /C calc'!A0");
    expect(hostile[9]).toBe("'@SUM(1+1)");
    expect(hostile[10]).toBe('{"note":"-2+3"}');
    expect(records[3]!.slice(0, 11)).toEqual([
      "2024-06-01T12:00:00.000Z",
      "admin",
      "Alice Admin",
      "admin-alice",
      "user.deactivate",
      "user",
      jane.id,
      jane.email,
      "deactivated",
      "",
      `{"email":"${jane.email}"}`,
    ]);
    // Its place in the tenant's audit chain, for scripts/verify-audit-export.mjs.
    expect(records[3]!.slice(12, 15)).toEqual([
      expect.stringMatching(/^\d+$/),
      expect.stringMatching(/^[0-9a-f]{64}$/),
      expect.stringMatching(/^[0-9a-f]{64}$/),
    ]);
    expect(JSON.parse(records[3]![15]!)).toMatchObject({ id: records[3]![11], action: "user.deactivate" });
    expect(csv).not.toMatch(/^=|\r\n=/);

    // Headers of the download itself.
    const response = await page.request.get("/api/console/audit/export?action=job.");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers()["content-disposition"]).toMatch(/^attachment; filename="roster-audit-.*\.csv"$/);
    const jobRows = Papa.parse<string[]>(await response.text(), { skipEmptyLines: true }).data;
    expect(jobRows).toHaveLength(61);
    expect(jobRows[1]![6]).toBe("row-59");
  });

  test("helpdesk: no audit link, and a 403 from the endpoints and the page", async ({ page, baseURL }) => {
    const tenant = await createTestTenant("audit");
    await signedIn(page, baseURL!, tenant, "helpdesk");
    await page.goto("/tokens");
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(nav.getByRole("link", { name: "Tokens" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);

    for (const path of ["/api/console/audit", "/api/console/audit/export"]) {
      const response = await page.request.get(path);
      expect(response.status(), path).toBe(403);
      const body = await response.json();
      expect(body.code).toBe("forbidden");
      expect(body.notices).toContain("audit-log-requires-admin-or-auditor-role");
    }
    await page.goto("/audit");
    await expect(page.getByText("open to admins and auditors only")).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);

    // Signed out, the endpoint answers 401.
    await page.context().clearCookies();
    expect((await page.request.get("/api/console/audit")).status()).toBe(401);
  });
});
