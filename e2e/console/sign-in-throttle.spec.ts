import http from "node:http";
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createConsoleAdmin } from "../fixtures/console";
import { createTestTenant } from "../fixtures/db";
import { auditEventsOf } from "../fixtures/rows";

// Sign-in throttling seen from the server (docs/decisions/0010): attempts come from distinct
// loopback addresses (Linux routes all of 127.0.0.0/8 to lo), so the server sees distinct clients.

type Answer = { status: number; body: string; headers: Record<string, string> };

// Headers that differ between any two responses, whatever they answer.
const VARYING_HEADERS = new Set(["date"]);

function postSignIn(baseURL: string, localAddress: string, email: string, password: string, extraHeaders: Record<string, string> = {}): Promise<Answer> {
  const url = new URL("/api/console/session", baseURL);
  const payload = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress,
        agent: false,
        headers: { ...extraHeaders, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers = Object.fromEntries(
            Object.entries(res.headers)
              .filter(([name]) => !VARYING_HEADERS.has(name))
              .map(([name, value]) => [name, String(value)]),
          );
          // Every answer names its own request (problem+json `instance`, and the same id in
          // X-Request-Id): unique per request, whatever the email.
          const text = Buffer.concat(chunks).toString("utf8");
          const requestId = /"instance":"urn:uuid:([0-9a-f-]{36})"/.exec(text)?.[1];
          const body = text.replace(`"instance":"urn:uuid:${requestId}"`, '"instance":"urn:uuid:<request>"');
          if (requestId && headers["x-request-id"] === requestId) headers["x-request-id"] = "<request>";
          // So does its script nonce (lib/http/console-script-policy.ts).
          const policy = headers["content-security-policy"];
          if (policy) headers["content-security-policy"] = policy.replace(/'nonce-[^']+'/, "'nonce-<request>'");
          resolve({ status: res.statusCode ?? 0, body, headers });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function wrongPasswords(baseURL: string, localAddress: string, email: string, count: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await postSignIn(baseURL, localAddress, email, `wrong-${i}`));
  return answers;
}

test("40 wrong passwords from one address neither lock the admin out nor tell an admin's email from an unknown one", async ({ baseURL }) => {
  test.setTimeout(60_000);
  const admin = await createConsoleAdmin(await createTestTenant("throttle"), "admin", "Tara Throttled");

  const attacked = await wrongPasswords(baseURL!, "127.0.0.2", admin.email, 40);
  expect(attacked.map((a) => a.status)).toEqual([...Array(5).fill(401), ...Array(35).fill(429)]);

  // The real admin, elsewhere, signs in at once.
  const real = await postSignIn(baseURL!, "127.0.0.1", admin.email, admin.password);
  expect(real.status).toBe(200);
  expect(real.headers["set-cookie"]).toContain("roster_session=");

  // The same sequence for an email that is no one's, from a third address: the same answers, byte for byte.
  const unknown = await wrongPasswords(baseURL!, "127.0.0.3", `nobody-${randomUUID().slice(0, 8)}@throttle.example`, 40);
  expect(unknown).toEqual(attacked);
  expect(attacked[5]?.headers["retry-after"]).toBe("900");
  expect(JSON.parse(attacked[5]!.body)).toEqual({
    type: "urn:roster:problem:rate-limited",
    title: "Too many requests",
    status: 429,
    detail: "Too many failed sign-ins: try again in 15 minutes",
    instance: "urn:uuid:<request>",
    code: "rate_limited",
  });
});

test("the admin's audit log names the admin on failed sign-ins and records the throttle block once", async ({ baseURL }) => {
  const admin = await createConsoleAdmin(await createTestTenant("throttle-audit"), "admin", "Aida Audited");
  await wrongPasswords(baseURL!, "127.0.0.4", admin.email, 12);

  const events = await auditEventsOf(admin.tenantId, "session.sign_in");
  expect(events.map((e) => [e.outcome, e.actorName])).toEqual([...Array(5).fill(["failed", "Aida Audited"]), ["throttled", "Aida Audited"]]);
  expect(events[5]?.details).toEqual({ method: "password", clientAddress: "127.0.0.4", limit: "emailAndAddress", retryAfterSeconds: 900 });
});

test("a client cannot pass its failures off as another address's with X-Forwarded-For when no proxy is trusted", async ({ baseURL }) => {
  const admin = await createConsoleAdmin(await createTestTenant("throttle-xff"));
  const framed = { "x-forwarded-for": "127.0.0.1" };
  const attempts: number[] = [];
  for (let i = 0; i < 6; i++) attempts.push((await postSignIn(baseURL!, "127.0.0.5", admin.email, `wrong-${i}`, framed)).status);
  // Counted for 127.0.0.5, where they came from: refused there, and nowhere else.
  expect(attempts).toEqual([401, 401, 401, 401, 401, 429]);
  expect((await postSignIn(baseURL!, "127.0.0.1", admin.email, admin.password)).status).toBe(200);
});
