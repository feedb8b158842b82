import { expect, test } from "@playwright/test";
import { prepared } from "@/db/prepared";
import { AUDIT_LIST_DEPTH } from "@/lib/contracts/audit";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, e2eDb } from "../fixtures/db";

// Attacker's side: the audit log's pages go AUDIT_LIST_DEPTH events deep (an offset walks the index row
// by row); Older carries on past that by moving `to` back, so every event stays reachable.

const EVENTS = AUDIT_LIST_DEPTH + 50;
const T0 = Date.parse("2024-03-01T00:00:00Z");
const label = (i: number) => `ev-${100_000 + i}`;

test("the log pages 10,000 events deep; Older goes on from the oldest event shown; a deeper page is a 400", async ({ page, baseURL }) => {
  const tenant = await createTestTenant("audit-depth");
  // Event i (1 … EVENTS) at T0 + i seconds, before anything the tenant's own set-up recorded; older than its hash chain.
  await prepared(
    e2eDb(),
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${EVENTS})
     insert into audit_events (id, tenant_id, actor_type, actor_name, action, target_type, target_id, outcome, created_at)
     select cast(? as text) || '-' || i, ?, 'system', 'Depth Bot', 'depth.test', 'user', 'ev-' || (100000 + i), 'success', cast(? as bigint) + i * 1000 from n`,
  ).run(tenant.tenantId, tenant.tenantId, T0);
  await signInContext(page.context(), baseURL!, await createConsoleAdmin(tenant, "admin"));

  const deepest = AUDIT_LIST_DEPTH / 50;
  await page.goto(`/audit?action=depth.test&page=${deepest}`);
  await expect(page.getByText(`9,951–10,000 of 10,050 events · page ${deepest} of 201`)).toBeVisible();
  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows.last()).toContainText(label(51));

  const older = page.getByRole("link", { name: "Older →" });
  await expect(older).toHaveAttribute("href", `/audit?action=depth.test&to=${encodeURIComponent(new Date(T0 + 51_000).toISOString())}`);
  await older.click();
  // The events up to the last one shown, that one again first: nothing skipped.
  await expect(page.getByText("1–50 of 51 events · page 1 of 2")).toBeVisible();
  await expect(rows.first()).toContainText(label(51));
  await page.getByRole("link", { name: "Older →" }).click();
  await expect(page.getByText("51–51 of 51 events · page 2 of 2")).toBeVisible();
  await expect(rows.first()).toContainText(label(1));

  // One page further than the bound: the API names it, and so does the page.
  const refused = await page.request.get(`/api/console/audit?action=depth.test&page=${deepest + 1}&size=50`);
  expect(refused.status()).toBe(400);
  expect((await refused.json()).errors["query.page"]).toMatch(/10,000 events deep/);
  expect((await page.request.get(`/api/console/audit?action=depth.test&page=${deepest}&size=50`)).status()).toBe(200);
  await page.goto(`/audit?action=depth.test&page=${deepest + 1}`);
  await expect(page.getByRole("alert").filter({ hasText: "10,000 events deep" })).toBeVisible();
});
