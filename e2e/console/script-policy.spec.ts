import { expect, test, type Page } from "@playwright/test";
import { createConsoleAdmin, signInContext } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";

// Markup that reaches a console page by any way but its own rendering (a stored value shown
// unescaped, a library's bug) must not run: scripts need the page's nonce.

const nonceOf = (policy: string | undefined) => /script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? "")?.[1];

test("every console page allows only its own scripts, by a nonce new on each request", async ({ page, baseURL, context }) => {
  const tenant = await createTestTenant("nonces");
  await signInContext(context, baseURL!, await createConsoleAdmin(tenant, "admin"));
  for (const path of ["/login", "/users", "/leavers", "/audit", "/docs/api"]) {
    const first = await page.request.get(path);
    const again = await page.request.get(path);
    const policy = first.headers()["content-security-policy"];
    expect(policy, path).toContain("frame-ancestors 'none'");
    expect(policy, path).toContain("'strict-dynamic'");
    const nonce = nonceOf(policy);
    expect(nonce, path).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(again.headers()["content-security-policy"]), path).not.toBe(nonce);
    // Next.js put the request's nonce on every script it rendered, and the page kept no other.
    const html = await first.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, path).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
  }
});

async function injectMarkup(page: Page) {
  return page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener("securitypolicyviolation", (event) => violations.push(event.effectiveDirective));
    const marks = window as unknown as { injectedHandler?: boolean; injectedLink?: boolean };
    // What XSS payloads look like once they are in the page's markup (HTML parsed into it never runs
    // its script elements anyway; handlers and javascript: links are what get through).
    document.body.insertAdjacentHTML(
      "beforeend",
      `<img alt="" src="/no-such-image.png" onerror="window.injectedHandler = true"><a id="injected" href="javascript:window.injectedLink = true">x</a>`,
    );
    document.getElementById("injected")!.click();
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { handler: marks.injectedHandler ?? false, link: marks.injectedLink ?? false, violations };
  });
}

test("an injected inline handler or javascript: link does not run, and the page still works", async ({ page, baseURL, context }) => {
  const tenant = await createTestTenant("injected");
  await signInContext(context, baseURL!, await createConsoleAdmin(tenant, "admin"));
  await page.goto("/users");
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
  const result = await injectMarkup(page);
  expect(result).toEqual({ handler: false, link: false, violations: expect.arrayContaining(["script-src-attr", "script-src-elem"]) });
  // The page's own scripts ran: a client-side navigation still works.
  await nav.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
});
