import { expect, test } from "@playwright/test";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";
import { auditEventsOf } from "../fixtures/rows";

// Console: the four-eyes threshold cannot be loosened by one admin while there is another
// (docs/decisions/0025). Alice raises it and then turns it off: each waits for Bob, who approves
// the first and rejects the second; Alice may withdraw her own request but not approve it.

test("a looser threshold waits for another admin: approved it applies, rejected it does not", async ({ page, context, browser, baseURL }) => {
  test.setTimeout(60_000);
  const tenant = await createTestTenant("threshold-4eyes", { approvalThreshold: 100 });
  const alice = await createConsoleAdmin(tenant, "admin", "Alice Asker");
  const bob = await createConsoleAdmin(tenant, "admin", "Bob Checker");
  const session = await signInContext(context, baseURL!, alice);
  await page.goto("/leavers");
  const card = page.getByTestId("approval-threshold");
  await card.getByLabel("above this many users").fill("250");
  await card.getByRole("button", { name: "Save" }).click();
  const request = card.getByTestId("threshold-request");
  await expect(request).toContainText("You asked");
  await expect(request).toContainText("from above 100 users to above 250 users");
  await expect(card).toContainText("more than 100 users");
  await expect(card.getByLabel("above this many users")).toHaveValue("100");
  await expect(request.getByRole("button", { name: "Approve change" })).toHaveCount(0);
  await expect(request.getByRole("button", { name: "Withdraw request" })).toBeVisible();

  // Her own approval, sent by hand, is refused.
  const pending = (await (await page.request.get("/api/console/leaver-approval")).json()).data.pending;
  const own = await page.request.post(`/api/console/leaver-approval/requests/${pending.id}/approve`, {
    data: {},
    headers: { "x-csrf-token": session.csrfToken },
  });
  expect(own.status()).toBe(403);
  expect((await own.json()).detail).toBe("A looser threshold needs a second admin: the admin who asked for it cannot approve it");

  const bobContext = await browser.newContext({ baseURL });
  try {
    await signInContext(bobContext, baseURL!, bob);
    const bobPage = await bobContext.newPage();
    await bobPage.goto("/leavers");
    const bobCard = bobPage.getByTestId("approval-threshold");
    await expect(bobCard.getByTestId("threshold-request")).toContainText("Alice Asker asked");
    await bobCard.getByRole("button", { name: "Approve change" }).click();
    await expect(bobCard).toContainText("more than 250 users");
    await expect(bobCard.getByTestId("threshold-request")).toHaveCount(0);

    // Off, from Alice: Bob rejects it, and it stays on.
    await page.reload();
    await expect(card).toContainText("more than 250 users");
    await card.getByLabel("Require a second admin").uncheck();
    await card.getByRole("button", { name: "Save" }).click();
    await expect(request).toContainText("from above 250 users to off");
    await bobPage.reload();
    await bobCard.getByRole("button", { name: "Reject change" }).click();
    await expect(bobCard.getByTestId("threshold-request")).toHaveCount(0);
    await expect(bobCard).toContainText("more than 250 users");

    // Asked again, and withdrawn by Alice herself.
    await page.reload();
    await card.getByLabel("Require a second admin").uncheck();
    await card.getByRole("button", { name: "Save" }).click();
    await request.getByRole("button", { name: "Withdraw request" }).click();
    await expect(card.getByTestId("threshold-request")).toHaveCount(0);
    await expect(card).toContainText("more than 250 users");
  } finally {
    await bobContext.close();
  }

  const changes = await auditEventsOf(tenant.tenantId, "tenant.approval_threshold_changed");
  expect(changes.map((event) => [event.actorName, event.details])).toEqual([["Bob Checker", { from: 100, to: 250 }]]);
  const ends = (await auditEventsOf(tenant.tenantId))
    .filter((event) => event.action.startsWith("tenant.approval_threshold_request_"))
    .map((event) => event.action);
  expect(ends).toEqual([
    "tenant.approval_threshold_request_approved",
    "tenant.approval_threshold_request_rejected",
    "tenant.approval_threshold_request_withdrawn",
  ]);
});
