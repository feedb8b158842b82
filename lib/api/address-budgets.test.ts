import { describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { fromWebRequest } from "@/lib/http/web";
import { createTestDb } from "@/test/db";

// The budgets counted per client address, as callers meet them through the registry and the
// pipeline: a small API budget, so that the public budget's floor shows.
process.env.RATE_LIMIT_REQUESTS = "5";
process.env.RATE_LIMIT_WINDOW_SECONDS = "60";
process.env.METRICS_TOKEN = "address-budgets-metrics-token";
const { openApiDocument, routeRequest, serveRouted } = await import("./registry");
const { logger } = await import("@/lib/observability/log");

const db = createTestDb();
(globalThis as unknown as { rosterDb?: Db }).rosterDb = db;

async function call(path: string, clientIp: string, headers: Record<string, string> = {}) {
  const request = new Request(`http://roster.test${path}`, { headers: { "x-roster-client-ip": clientIp, ...headers } });
  const response = await serveRouted(fromWebRequest(request), routeRequest("GET", path)!);
  return { status: response.status, headers: response.headers, body: String(response.body) };
}

// A token that fails counts against the caller's address ("ip", the API's limit of 5).
const badToken = (clientIp: string) => call("/api/v1/users", clientIp, { "x-coreos-access": "rpat_bad", "x-coreos-tid": "t" });

describe("the address budgets", () => {
  it("counts an IPv6 client's whole /64 as one address", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await badToken(`2001:db8:5:6:${i.toString(16)}::${i + 1}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Another /64 has a budget of its own.
    expect((await badToken("2001:db8:5:7::1")).status).toBe(401);
  });

  it("counts endpoints without credentials in a budget of their own, never below 10 a second per address", async () => {
    const address = "198.51.100.20";
    for (let i = 0; i < 6; i++) await badToken(address);
    // The address's API budget is spent; its health checks still answer, from a larger budget.
    const health = await call("/api/health", address);
    expect(health.status).toBe(200);
    expect(health.headers).toMatchObject({ "RateLimit-Limit": "600", "RateLimit-Remaining": "599" });
  });

  it("refuses a public endpoint once the address spent the public budget, metrics bearer guesses included", async () => {
    const address = "198.51.100.21";
    const guess = () => call("/metrics", address, { authorization: "Bearer not-the-metrics-token" });
    const statuses = new Map<number, number>();
    for (let i = 0; i < 601; i++) {
      const { status } = await guess();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 600, 429: 1 });
    const refused = await call("/api/openapi.json", address);
    expect(refused.status).toBe(429);
    expect(refused.headers["Retry-After"]).toBeDefined();
    expect((await call("/api/openapi.json", "198.51.100.22")).status).toBe(200);
  });
});

describe("public answers", () => {
  it("serializes the OpenAPI document once per process", async () => {
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      const first = await call("/api/openapi.json", "198.51.100.30");
      const second = await call("/api/openapi.json", "198.51.100.30");
      expect(JSON.parse(second.body)).toEqual(JSON.parse(first.body));
      expect(JSON.parse(first.body)).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
      expect(second.headers["content-type"]).toBe("application/json; charset=utf-8");
      const ofDocument = stringify.mock.calls.filter(([value]) => value === openApiDocument());
      expect(ofDocument.length).toBeLessThanOrEqual(1);
    } finally {
      stringify.mockRestore();
    }
  });

  it("answers a database failure it cannot name generically, and logs the database's own message", async () => {
    const logged = vi.spyOn(logger(), "error").mockImplementation(() => {});
    await db.exec("alter table health_checks rename to health_checks_away");
    try {
      const health = await call("/api/health", "198.51.100.40");
      expect(health.status).toBe(503);
      expect(JSON.parse(health.body)).toEqual({
        status: "error",
        database: { status: "error", message: "the database failed; the server's log has the error" },
      });
      expect(health.body).not.toMatch(/health_checks/);
      const ready = await call("/api/ready", "198.51.100.40");
      expect(JSON.parse(ready.body)).toEqual({ status: "error", reasons: ["the database failed; the server's log has the error"] });
      const problems = logged.mock.calls.map(([fields]) => (fields as { problem?: string }).problem);
      expect(problems).toEqual([expect.stringMatching(/health_checks/), expect.stringMatching(/health_checks/)]);
    } finally {
      await db.exec("alter table health_checks_away rename to health_checks");
      logged.mockRestore();
    }
    expect((await call("/api/health", "198.51.100.40")).status).toBe(200);
  });
});
