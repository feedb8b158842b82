import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { prepared } from "@/db/prepared";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant, e2eDb } from "../fixtures/db";
import { auditEventsOf } from "../fixtures/rows";
import { E2E_WEBHOOK_RETENTION_DAYS } from "../../playwright.config";

// Console: Webhooks. Each spec makes its own tenant, admin and a receiver on loopback (the e2e server
// runs with WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true), which keeps every request as it came for the
// spec to verify with the standardwebhooks package, as a real receiver would.

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

type Received = { id: string; body: string; headers: Record<string, string>; answered: number };

async function startReceiver() {
  const received: Received[] = [];
  let answer: (request: Received) => number = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
      const request = { id: headers["webhook-id"] ?? "", body: Buffer.concat(chunks).toString("utf8"), headers, answered: 0 };
      request.answered = answer(request);
      received.push(request);
      res.writeHead(request.answered, { "content-type": "text/plain" }).end(request.answered >= 300 ? "receiver says no" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/roster`,
    received,
    answerWith: (decide: (request: Received) => number) => (answer = decide),
    /** The payload, once its signature verifies with `secret` (standardwebhooks throws otherwise). */
    verify: (request: Received, secret: string) => new Webhook(secret).verify(request.body, request.headers) as { type: string; data: Record<string, unknown> },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;
test.beforeEach(async () => {
  receiver = await startReceiver();
});
test.afterEach(() => receiver.close());

const csrf = (token: string) => ({ "x-csrf-token": token });

async function createViaApi(request: APIRequestContext, csrfToken: string, data: Record<string, unknown>) {
  const response = await request.post("/api/console/webhooks", { headers: csrf(csrfToken), data });
  expect(response.status()).toBe(201);
  return (await response.json()).data as { id: string; secret: string; url: string };
}

const deliveryRows = (page: Page) => page.getByRole("table", { name: "Deliveries" }).getByTestId("delivery");

test.describe("console webhooks", () => {
  test("an admin adds an endpoint, sees its secret once, and a deactivation reaches the receiver signed, as the log shows", async ({
    page,
    context,
    baseURL,
  }) => {
    const tenant = await createTestTenant("webhooks");
    const admin = await createConsoleAdmin(tenant, "admin", "Wendy Webhooks");
    const session = await signInContext(context, baseURL!, admin);
    const leaver = await tenant.addUser({ name: "Lee Leaver" });

    await page.goto("/users");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await expect(page.getByText("No endpoints yet")).toBeVisible();

    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("Description (optional)").fill("HR system");
    await page.getByRole("radio", { name: "Only these:" }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Choose at least one event type, or all of them");
    await page.getByRole("checkbox", { name: /user\.deactivated/ }).check();
    await page.getByRole("checkbox", { name: /user\.reactivated/ }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();

    const dialog = page.getByRole("dialog", { name: "Copy the signing secret" });
    await expect(dialog).toContainText("You won't see it again");
    const secret = (await dialog.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(SECRET);
    await dialog.getByRole("button", { name: "I've stored it" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(secret)).toHaveCount(0);

    const row = page.getByRole("row", { name: new RegExp(receiver.url) });
    await expect(row).toContainText("HR system");
    await expect(row).toContainText("user.deactivated");
    await expect(row).toContainText("user.reactivated");
    await expect(row).toContainText("Enabled");
    const listed = await page.request.get("/api/console/webhooks");
    expect(await listed.text()).not.toContain(secret.slice("whsec_".length));
    const [endpoint] = (await listed.json()).data as { id: string }[];

    // A deactivation through the console's API: the receiver gets it signed with the secret shown.
    const deactivated = await page.request.post(`/api/console/users/${leaver.id}/deactivate`, {
      headers: csrf(session.csrfToken),
      data: { confirmEmail: leaver.email },
    });
    expect(deactivated.status()).toBe(200);
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);
    const [request] = receiver.received;
    expect(request!.headers["webhook-id"]).toMatch(/^msg_/);
    expect(receiver.verify(request!, secret)).toMatchObject({
      type: "user.deactivated",
      data: { id: leaver.id, email: leaver.email, tenantId: tenant.tenantId, actor: { type: "admin", id: admin.adminId, name: "Wendy Webhooks" } },
    });
    expect(() => receiver.verify(request!, "whsec_" + Buffer.alloc(32).toString("base64"))).toThrow();

    await row.getByRole("link", { name: receiver.url }).click();
    await expect(page).toHaveURL(`/webhooks/${endpoint!.id}`);
    await expect(page.getByRole("heading", { name: receiver.url })).toBeVisible();
    const delivery = deliveryRows(page).filter({ hasText: "user.deactivated" });
    await expect(delivery).toContainText("Delivered");
    await expect(delivery).toContainText(request!.id);
    await expect(delivery.getByTestId("response")).toHaveText("200");
    await delivery.getByRole("button", { name: "Details" }).click();
    await expect(page.getByRole("list", { name: "Attempts" })).toContainText(/Attempt 1, .*: 200 in \d+ ms/);
    await expect(page.getByLabel("Body sent")).toContainText(`"email": "${leaver.email}"`);
    await expect(page.getByTestId("pending")).toHaveText("0");

    expect((await auditEventsOf(tenant.tenantId, "webhook.created")).map((event) => event.targetId)).toEqual([endpoint!.id]);
  });

  test("a failing receiver: the failure is logged and retried, then a delivery and the failed ones are sent again by hand", async ({
    page,
    context,
    baseURL,
  }) => {
    test.setTimeout(60_000);
    const tenant = await createTestTenant("webhooks");
    const admin = await createConsoleAdmin(tenant, "admin");
    const session = await signInContext(context, baseURL!, admin);
    const created = await createViaApi(page.request, session.csrfToken, { url: receiver.url });
    receiver.answerWith(() => 500);

    await page.goto(`/webhooks/${created.id}`);
    await expect(page.getByText("Nothing sent yet")).toBeVisible();
    await expect(page.getByText(`kept for ${E2E_WEBHOOK_RETENTION_DAYS} days after their last attempt`)).toBeVisible();
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Test event queued" })).toBeVisible();

    // The first attempt fails: the log says so, and when the next one is due.
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);
    receiver.answerWith(() => 200);
    const delivery = deliveryRows(page).filter({ hasText: "webhook.test" });
    await expect(delivery).toContainText("Retrying", { timeout: 10_000 });
    await expect(delivery.getByTestId("response")).toHaveText("500");
    await expect(delivery.getByTestId("error")).toHaveText("HTTP 500: receiver says no");
    await expect(delivery).toContainText(/next (in a moment|just now)/);

    // The retry (about 5 s later) is delivered, with the same webhook-id.
    await expect(delivery).toContainText("Delivered", { timeout: 20_000 });
    await expect(delivery.getByTestId("response")).toHaveText("200");
    expect(receiver.received.map((r) => r.answered)).toEqual([500, 200]);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
    expect(receiver.verify(receiver.received[1]!, created.secret)).toMatchObject({ type: "webhook.test", data: { endpointId: created.id } });
    await delivery.getByRole("button", { name: "Details" }).click();
    await expect(page.getByRole("list", { name: "Attempts" }).getByRole("listitem")).toHaveCount(2);

    // Redeliver: the same event once more.
    await delivery.getByRole("button", { name: /^Redeliver webhook\.test/ }).click();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(3);
    expect(receiver.received[2]!.id).toBe(receiver.received[0]!.id);
    await expect(page.getByRole("list", { name: "Attempts" }).getByRole("listitem")).toHaveCount(3, { timeout: 10_000 });

    // A delivery that gave up (as after its last attempt, a day on) is sent again by "Redeliver failed".
    await prepared(e2eDb(), `update webhook_deliveries set status = 'failed' where endpoint_id = ?`).run(created.id);
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(delivery).toContainText("Failed");
    await page.getByRole("button", { name: "Redeliver failed…" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Redeliver failed deliveries?" });
    await confirm.getByRole("radio", { name: "any time" }).check();
    await confirm.getByRole("button", { name: "Redeliver" }).click();
    await expect(page.getByRole("status").filter({ hasText: "1 failed delivery queued again." })).toBeVisible();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(4);
    await expect(delivery).toContainText("Delivered", { timeout: 10_000 });

    const redelivered = await auditEventsOf(tenant.tenantId, "webhook.redelivered");
    expect(redelivered.map((event) => event.details?.deliveries)).toEqual([1, 1]);
    expect(redelivered.every((event) => event.actorId === admin.adminId && event.targetId === created.id)).toBe(true);
  });

  test("edit, disable and enable, rotate the secret, delete; a bad URL is refused with its reason", async ({ page, context, baseURL }) => {
    const tenant = await createTestTenant("webhooks");
    const admin = await createConsoleAdmin(tenant, "admin");
    const session = await signInContext(context, baseURL!, admin);

    const refused = await page.request.post("/api/console/webhooks", { headers: csrf(session.csrfToken), data: { url: "ftp://files.example.com/in" } });
    expect(refused.status()).toBe(400);
    expect(refused.headers()["content-type"]).toContain("application/problem+json");
    expect(await refused.json()).toMatchObject({ detail: "The URL must start with https:// or http://.", errors: { url: expect.any(String) } });
    await page.goto("/webhooks");
    await page.getByLabel("Endpoint URL").fill("https://user:pw@hooks.example.com/in");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("The URL must not contain a user name or password.");

    const created = await createViaApi(page.request, session.csrfToken, { url: receiver.url, events: ["user.created"] });
    await page.goto(`/webhooks/${created.id}`);
    await page.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("dialog", { name: "Edit endpoint" });
    await edit.getByLabel("Description (optional)").fill("CRM");
    await edit.getByRole("radio", { name: "All events, including types added later" }).check();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(edit).toBeHidden();
    await expect(page.getByRole("region", { name: "Endpoint" })).toContainText("All events");
    await expect(page.getByText("CRM")).toBeVisible();
    const [updated] = await auditEventsOf(tenant.tenantId, "webhook.updated");
    expect(updated!.details).toMatchObject({ changes: { description: { from: null, to: "CRM" }, events: { from: ["user.created"], to: null } } });

    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByRole("alertdialog", { name: "Disable this endpoint?" }).getByRole("button", { name: "Disable" }).click();
    await expect(page.getByRole("region", { name: "Endpoint" })).toContainText(/Disabled.*disabled by/);
    await page.getByRole("button", { name: "Enable" }).click();
    await expect(page.getByRole("region", { name: "Endpoint" })).toContainText("Enabled");
    expect((await auditEventsOf(tenant.tenantId)).map((event) => event.action).filter((action) => /webhook\.(en|dis)abled/.test(action))).toEqual([
      "webhook.disabled",
      "webhook.enabled",
    ]);

    // A new secret is shown once; deliveries are signed with it, not with the old one.
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByRole("alertdialog", { name: "Rotate the signing secret?" }).getByRole("button", { name: "Rotate secret" }).click();
    const dialog = page.getByRole("dialog", { name: "Copy the new signing secret" });
    const secret = (await dialog.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(SECRET);
    expect(secret).not.toBe(created.secret);
    await dialog.getByRole("button", { name: "I've stored it" }).click();
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);
    expect(receiver.verify(receiver.received[0]!, secret).type).toBe("webhook.test");
    expect(() => receiver.verify(receiver.received[0]!, created.secret)).toThrow();

    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("alertdialog", { name: "Delete this endpoint?" }).getByRole("button", { name: "Delete endpoint" }).click();
    await expect(page).toHaveURL("/webhooks");
    await expect(page.getByText("No endpoints yet")).toBeVisible();
    expect((await page.request.get(`/api/console/webhooks/${created.id}`)).status()).toBe(404);
    const [deleted] = await auditEventsOf(tenant.tenantId, "webhook.deleted");
    expect(deleted).toMatchObject({ targetId: created.id, actorId: admin.adminId, details: { url: receiver.url, deliveries: 1 } });
  });

  test("another tenant's endpoint is not found", async ({ page, context, baseURL }) => {
    const theirs = await createTestTenant("webhooks");
    const theirAdmin = await createConsoleAdmin(theirs, "admin");
    const theirSession = await signInContext(context, baseURL!, theirAdmin);
    const endpoint = await createViaApi(page.request, theirSession.csrfToken, { url: receiver.url });

    await context.clearCookies();
    const tenant = await createTestTenant("webhooks");
    const session = await signInContext(context, baseURL!, await createConsoleAdmin(tenant, "admin"));
    for (const [method, path] of [
      ["GET", `/api/console/webhooks/${endpoint.id}`],
      ["GET", `/api/console/webhooks/${endpoint.id}/deliveries`],
      ["PATCH", `/api/console/webhooks/${endpoint.id}`],
      ["POST", `/api/console/webhooks/${endpoint.id}/rotate-secret`],
      ["DELETE", `/api/console/webhooks/${endpoint.id}`],
    ] as const) {
      const response = await page.request.fetch(path, { method, headers: csrf(session.csrfToken), data: method === "PATCH" ? { enabled: false } : undefined });
      expect(response.status(), `${method} ${path}`).toBe(404);
    }
    expect((await page.request.get("/api/console/webhooks")).ok()).toBe(true);
    expect((await (await page.request.get("/api/console/webhooks")).json()).data).toEqual([]);
    await page.goto(`/webhooks/${endpoint.id}`);
    await expect(page.getByText(/not found|could not be found/i).first()).toBeVisible();
  });

  for (const role of ["helpdesk", "auditor"] as const) {
    test(`${role}: no Webhooks entry, the page says it is for admins, and the endpoints answer 403`, async ({ page, context, baseURL }) => {
      const tenant = await createTestTenant("webhooks");
      const session = await signInContext(context, baseURL!, await createConsoleAdmin(tenant, role));

      await page.goto("/users");
      const nav = page.getByRole("navigation", { name: "Console" });
      await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
      await expect(nav.getByRole("link", { name: "Webhooks" })).toHaveCount(0);
      await page.goto("/webhooks");
      await expect(page.getByText("Webhooks are for admins only")).toBeVisible();
      await expect(page.getByRole("button", { name: "Add endpoint" })).toHaveCount(0);

      expect((await page.request.get("/api/console/webhooks")).status()).toBe(403);
      const created = await page.request.post("/api/console/webhooks", { headers: csrf(session.csrfToken), data: { url: receiver.url } });
      expect(created.status()).toBe(403);
      expect((await page.request.get("/api/console/webhooks")).status()).toBe(403);
    });
  }
});
