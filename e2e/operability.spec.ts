import http from "node:http";
import { expect, test } from "@playwright/test";
import { E2E_METRICS_TOKEN } from "../playwright.config";
import { prepared } from "@/db/prepared";
import { ACTION_REQUIREMENTS } from "@/lib/auth/actions";
import { parseToken } from "@/lib/auth/tokens";
import { freePort, ON_POSTGRES, ownDatabase, rosterCli, seedOwnTenant, startServer, type OwnDatabase, type OwnServer, type OwnTenant } from "./fixtures/server";
import { startTcpProxy } from "./fixtures/tcp-proxy";

// What an operator running several instances relies on (issue 9): readiness, metrics, request ids
// in structured logs, and a shutdown that lets work in flight finish.

test("GET /api/ready answers 200 with no reasons on a migrated, writable database", async ({ request }) => {
  const response = await request.get("/api/ready");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", reasons: [] });
});

test("metrics need the metrics token, and count requests by route template and status", async ({ request }) => {
  expect((await request.get("/metrics")).status()).toBe(401);
  expect((await request.get("/metrics", { headers: { authorization: "Bearer not-the-metrics-token" } })).status()).toBe(401);
  await request.get("/api/ready");
  const response = await request.get("/metrics", { headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` } });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/plain");
  const text = await response.text();
  expect(text).toMatch(/roster_http_request_duration_seconds_count\{route="\/api\/ready",method="GET",status="200"\} [1-9]/);
  expect(text).toMatch(/roster_http_request_duration_seconds_count\{route="\/metrics",method="GET",status="401"\} [1-9]/);
  expect(text).toContain("# TYPE roster_leaver_job_rows_total counter");
  expect(text).toContain("# TYPE roster_rate_limit_rejections_total counter");
  expect(text).toContain("roster_process_resident_memory_bytes");
});

test("every answer carries a request id of the server's own; a client's X-Request-Id is not taken", async ({ request }) => {
  const first = await request.get("/api/health", { headers: { "x-request-id": "chosen-by-the-client" } });
  const second = await request.get("/login");
  const ids = [first.headers()["x-request-id"], second.headers()["x-request-id"]];
  for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(ids[0]).not.toBe(ids[1]);
});

test.describe("an instance of its own", () => {
  test.describe.configure({ timeout: 120_000 });
  let database: OwnDatabase;
  let seeded: OwnTenant;
  const servers: OwnServer[] = [];

  test.beforeAll(async () => {
    database = await ownDatabase("operability");
    seeded = await seedOwnTenant(database.url, 20, "ops");
  });
  test.afterAll(async () => {
    for (const server of servers) await server.stop("SIGKILL");
    await database?.remove();
  });

  test("at LOG_LEVEL=debug, logs one JSON line per request with its request id, route template and status", async () => {
    const server = await startServer(database.url, { LOG_LEVEL: "debug" });
    servers.push(server);
    const response = await fetch(`${server.baseUrl}/api/ready`);
    const requestId = response.headers.get("x-request-id");
    await expect
      .poll(() =>
        server
          .output()
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((entry) => entry.requestId === requestId),
      )
      .toMatchObject({ level: "debug", msg: "request", route: "/api/ready", method: "GET", status: 200, service: "roster" });
    await server.stop();
  });

  test("ready is 503 while the database lacks a migration of this build, and names it", async () => {
    const server = await startServer(database.url);
    servers.push(server);
    // Where drizzle records the migrations it applied: a table of the database (SQLite), of the `drizzle` schema (PostgreSQL).
    const table = ON_POSTGRES ? "drizzle.__drizzle_migrations" : "__drizzle_migrations";
    const db = database.db();
    try {
      const newest = (await db
        .statement<{ hash: string; createdAt: number }>(`select hash, created_at as "createdAt" from ${table} order by created_at desc limit 1`)
        .get())!;
      await db.statement(`delete from ${table} where created_at = ?`).run(newest.createdAt);
      const response = await fetch(`${server.baseUrl}/api/ready`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; reasons: string[] };
      expect(body.status).toBe("error");
      expect(body.reasons).toEqual([expect.stringMatching(/^migrations not applied: \d{4}_\w+$/)]);
      await db.statement(`insert into ${table} (hash, created_at) values (?, ?)`).run(newest.hash, newest.createdAt);
      expect((await fetch(`${server.baseUrl}/api/ready`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  test("ready is 503 while PostgreSQL is unreachable, naming it, and 200 again once it is back; the instance keeps running", async () => {
    test.skip(!ON_POSTGRES, "PostgreSQL only: a SQLite file cannot become unreachable");
    // The instance reaches PostgreSQL through a proxy of the spec's, which is then cut: its pooled
    // connections drop and new ones are refused, as when the database server goes away.
    const direct = new URL(database.url);
    const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    const server = await startServer(viaProxy.toString());
    servers.push(server);
    try {
      expect((await fetch(`${server.baseUrl}/api/ready`)).status).toBe(200);
      await proxy.cut();
      const response = await fetch(`${server.baseUrl}/api/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "error", reasons: ["the database server refuses connections"] });
      const health = await fetch(`${server.baseUrl}/api/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: "error", database: { status: "error", message: "the database server refuses connections" } });
      await proxy.restore();
      await expect.poll(async () => (await fetch(`${server.baseUrl}/api/ready`)).status, { timeout: 10_000 }).toBe(200);
      expect(server.child.exitCode).toBeNull();
    } finally {
      await server.stop();
      await proxy.cut();
    }
  });

  test("METRICS_PORT serves the metrics on a port of their own; the main port then has none", async () => {
    const metricsPort = await freePort();
    const server = await startServer(database.url, { METRICS_PORT: String(metricsPort) });
    servers.push(server);
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("roster_http_request_duration_seconds");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/health`)).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404);
    await server.stop();
  });

  test("SIGTERM lets a request in flight finish, refuses new connections, and exits 0", async () => {
    const server = await startServer(database.url);
    servers.push(server);
    const exited = new Promise<number | null>((resolve) => server.child.once("exit", (code) => resolve(code)));
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${server.baseUrl}/v1/leaver-jobs/previews`, {
        method: "POST",
        headers: { "x-api-key": seeded.token, "x-tenant-id": seeded.tenantId, "content-type": "text/csv", "transfer-encoding": "chunked" },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      // Half the file, then the signal, then the rest: the upload was in flight when the signal came.
      req.write("email,reason\n");
      setTimeout(() => {
        server.child.kill("SIGTERM");
        // Longer than the 3 s the server used to give requests in flight.
        setTimeout(() => req.end("nobody-here@ops.example,left\n"), 4_000);
      }, 300);
    });
    const { status, body } = await answer;
    expect(status, body).toBe(201);
    expect(JSON.parse(body)).toMatchObject({ data: { total_rows: 1 } });
    expect(await exited).toBe(0);
    await expect(fetch(`${server.baseUrl}/api/health`)).rejects.toThrow();
  });

  test("SIGTERM writes the last use of tokens used in the final seconds, which are kept in memory until then", async () => {
    const { token } = (await rosterCli(database.url, [
      "token",
      "create",
      "--tenant",
      seeded.tenantId,
      "--admin",
      seeded.adminEmail,
      "--scopes",
      ACTION_REQUIREMENTS.lookupUserIds.anyScope[0],
    ])) as {
      token: string;
    };
    const tokenId = parseToken(token)!.id;
    const server = await startServer(database.url);
    servers.push(server);
    const exited = new Promise<number | null>((resolve) => server.child.once("exit", (code) => resolve(code)));
    const lookup = await fetch(`${server.baseUrl}/api/user-identifiers/v1/uuids`, {
      method: "POST",
      headers: { authorization: `MxToken ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ emailAddresses: [{ emailAddress: "nobody-here@ops.example" }] }),
    });
    expect(lookup.status).toBe(200);
    // Well within the 5 s between flushes: only the shutdown writes it.
    server.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const stored = await prepared<{ lastUsedAt: number | null }>(
      database.db(),
      `select last_used_at as "lastUsedAt" from personal_access_tokens where id = ?`,
    ).get(tokenId);
    expect(stored?.lastUsedAt).toEqual(expect.any(Number));
  });
});
