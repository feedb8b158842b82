import type { IncomingMessage, ServerResponse } from "node:http";
import type { RouteMatch } from "@/lib/api/router";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";

/**
 * A bounded route label: the registry's path template for API requests, "api" for API paths it
 * does not serve as asked, "static" for Next's assets and "page" for everything else. Raw paths
 * would give the metrics unbounded label values and put email addresses in the logs.
 */
export function routeLabel(match: RouteMatch | null, pathname: string): string {
  if (match?.kind === "endpoint") return match.endpoint.path;
  if (match) return "api";
  return pathname.startsWith("/_next/") ? "static" : "page";
}

/**
 * Records the request when its answer is sent: the latency histogram, and an access-log line with
 * the request id at debug level (nginx in front keeps an access log of its own; writing a line per
 * request at info cost the API's fast path ~40 µs of CPU per request, docs/decisions/0014).
 * The X-Request-Id header is the endpoint pipeline's (API) or start.ts's (pages) to set: a header
 * set here, before the pipeline's writeHead, would take node:http off its fast path.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse, requestId: string, route: string): void {
  const started = process.hrtime.bigint();
  res.once("close", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const method = req.method ?? "GET";
    const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away first (nginx's code)
    metrics().requests.observe({ route, method, status: String(status) }, seconds);
    const log = logger();
    if (log.isLevelEnabled("debug")) log.debug({ requestId, method, route, status, ms: Math.round(seconds * 10_000) / 10 }, "request");
  });
}
