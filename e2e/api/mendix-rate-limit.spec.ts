import { expect, test } from "@playwright/test";
import { E2E_RATE_LIMIT } from "../../playwright.config";
import { createTestTenant } from "../fixtures/db";
import { userRow } from "../fixtures/rows";
import { callDeactivation, callIdentifiers, identifiersError, type ApiCall } from "../fixtures/mendix-specs";

// Rate limits (product.md): per token, shared by all API routes; every response carries the
// RateLimit-* headers, a 429 also Retry-After and the dialect's body. The e2e server allows
// E2E_RATE_LIMIT requests per 60 s; this spec spends one fresh token's whole budget.
const MAX_REQUESTS = 1_100;

function expectRateLimitHeaders(result: ApiCall, label: string) {
  expect(result.headers["ratelimit-limit"], `${label}: RateLimit-Limit`).toBe(String(E2E_RATE_LIMIT));
  expect(result.headers["ratelimit-remaining"], `${label}: RateLimit-Remaining`).toMatch(/^\d+$/);
  expect(result.headers["ratelimit-reset"], `${label}: RateLimit-Reset`).toMatch(/^\d+$/);
  expect(Number(result.headers["ratelimit-reset"]), `${label}: RateLimit-Reset within the window`).toBeLessThanOrEqual(60);
}

test("one token over the limit gets 429 with Retry-After, in each Mendix dialect", async ({ request }) => {
  test.setTimeout(120_000);
  const tenant = await createTestTenant("mx-rate");
  const user = await tenant.addUser();
  const { token } = await tenant.addToken();
  const lookup = { emailAddresses: [{ emailAddress: user.email }] };

  let limited: ApiCall | undefined;
  let sent = 0;
  let previousRemaining = Infinity;
  while (!limited && sent < MAX_REQUESTS) {
    const result = await callIdentifiers(request, { token, data: lookup });
    sent += 1;
    expectRateLimitHeaders(result, `request ${sent}`);
    if (result.status === 429) {
      limited = result;
      break;
    }
    expect(result.status, `request ${sent}`).toBe(200);
    const remaining = Number(result.headers["ratelimit-remaining"]);
    expect(remaining, `request ${sent}: RateLimit-Remaining counts down`).toBe(E2E_RATE_LIMIT - sent);
    expect(remaining).toBeLessThan(previousRemaining);
    previousRemaining = remaining;
    expect(result.headers["retry-after"]).toBeUndefined();
  }

  expect(limited, `no 429 after ${sent} requests`).toBeDefined();
  expect(sent).toBe(E2E_RATE_LIMIT + 1);
  const identifiers429 = limited!;
  expect(identifiers429.headers["ratelimit-remaining"]).toBe("0");
  expect(Number(identifiers429.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(Number(identifiers429.headers["retry-after"])).toBeLessThanOrEqual(60);
  expect(identifiers429.body).toEqual(identifiersError(429, "TOO_MANY_REQUESTS", /rate limit/i));

  // The budget is per token and shared by every API route: the deactivation API refuses too,
  // in its own 429 shape, and deactivates nobody.
  const deactivation429 = await callDeactivation(request, user.id, { token, data: { active: false } });
  expectRateLimitHeaders(deactivation429, "deactivation");
  expect(deactivation429.status).toBe(429);
  expect(Number(deactivation429.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(deactivation429.body).toEqual({ message: "API rate limit exceeded" });
  expect((await userRow(user.id))?.active).toBe(true);

  // Another token of the same tenant has its own budget.
  const fresh = await callIdentifiers(request, { token: (await tenant.addToken()).token, data: lookup });
  expect(fresh.status).toBe(200);
  expect(fresh.headers["ratelimit-remaining"]).toBe(String(E2E_RATE_LIMIT - 1));
});
