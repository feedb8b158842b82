import { createHash, timingSafeEqual } from "node:crypto";
import { checkDatabase, isKnownDatabaseProblem, pendingMigrations } from "@/db/client";
import { serverEnv } from "@/lib/env";
import { logger } from "@/lib/observability/log";
import { metricsText } from "@/lib/observability/metrics";
import { serviceDialect } from "../dialects/service";
import { defineEndpoint } from "../endpoint";
import { ApiError } from "../errors";
import { healthResponse, readyResponse } from "../schemas";

/**
 * The database's problem as anyone may read it: a known kind (read-only, full, refused…) as it is,
 * anything else only as a failure; the log has the database's own message and the request id.
 */
function answeredProblem(problem: string, requestId: string): string {
  logger().error({ problem, requestId }, "database check failed");
  return isKnownDatabaseProblem(problem) ? problem : "the database failed; the server's log has the error";
}

// GET /api/health — liveness, and whether the database can be read and written, for load balancers and the start script
export const health = defineEndpoint({
  operationId: "getHealth",
  method: "GET",
  path: "/api/health",
  dialect: serviceDialect,
  auth: "none",
  response: {
    status: 200,
    description: "Up, database reachable and writable (503 with `status: error` naming the problem when it is not)",
    schema: healthResponse,
  },
  errors: [503],
  docs: { summary: "Health", description: "Liveness and database reachability and writability, for load balancers." },
  handler: async ({ db, requestId }) => {
    const database = await checkDatabase(db);
    if (database.ok) {
      const about = database.dialect === "sqlite" ? { dialect: database.dialect, journalMode: database.journalMode } : { dialect: database.dialect };
      return { data: { status: "ok" as const, database: { status: "ok" as const, ...about } } };
    }
    return { status: 503, data: { status: "error" as const, database: { status: "error" as const, message: answeredProblem(database.error, requestId) } } };
  },
});

// GET /api/ready — whether this instance should get traffic: the database takes writes and has every migration of this build
export const ready = defineEndpoint({
  operationId: "getReady",
  method: "GET",
  path: "/api/ready",
  dialect: serviceDialect,
  auth: "none",
  response: {
    status: 200,
    description: "Ready: the database is reachable and writable and its schema is this build's (503 naming what is not)",
    schema: readyResponse,
  },
  errors: [503],
  docs: {
    summary: "Readiness",
    description:
      "For a load balancer or orchestrator deciding where to send traffic: 200 when the database takes writes and has every migration this build ships, 503 with the reason otherwise (during a rolling upgrade, an instance of the newer build is not ready until `roster migrate` ran).",
  },
  handler: async ({ db, requestId }) => {
    const database = await checkDatabase(db);
    if (!database.ok) return { status: 503, data: { status: "error" as const, reasons: [answeredProblem(database.error, requestId)] } };
    const pending = await pendingMigrations(db);
    if (pending.length > 0) return { status: 503, data: { status: "error" as const, reasons: [`migrations not applied: ${pending.join(", ")}`] } };
    return { data: { status: "ok" as const, reasons: [] } };
  },
});

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Whether the request carries METRICS_TOKEN as its bearer token (compared in constant time). */
function hasMetricsToken(authorization: string | null, expected: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

// GET /metrics — Prometheus metrics of this instance, for scrapers holding METRICS_TOKEN
export const metrics = defineEndpoint({
  operationId: "getMetrics",
  method: "GET",
  path: "/metrics",
  dialect: serviceDialect,
  auth: "none",
  response: { status: 200, description: "Prometheus text exposition format", contentType: "text/plain; version=0.0.4" },
  errors: [401, 404],
  docs: {
    summary: "Prometheus metrics",
    description:
      "Requests by route and status with latency histograms, leaver job rows processed, rate-limit rejections, and the Node.js process. Needs `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN configured the path is 404 (METRICS_PORT serves them on a port of their own instead).",
  },
  handler: async ({ request }) => {
    const expected = serverEnv().METRICS_TOKEN;
    if (!expected) throw new ApiError("not_found", "No such endpoint: /metrics");
    if (!hasMetricsToken(request.headers.get("authorization"), expected))
      throw new ApiError("unauthorized", "Send the metrics token as `Authorization: Bearer <METRICS_TOKEN>`", {
        headers: { "www-authenticate": 'Bearer realm="metrics"' },
      });
    return { file: await metricsText() };
  },
});

export const SERVICE_ENDPOINTS = [health, ready, metrics];
