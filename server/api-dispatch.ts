import type { IncomingMessage, ServerResponse } from "node:http";
import { routeRequest, serveRouted } from "@/lib/api/registry";
import type { RouteMatch } from "@/lib/api/router";
import { fromNodeRequest, writeNodeResponse } from "@/lib/http/node";

export const pathnameOf = (url: string) => {
  const queryAt = url.indexOf("?");
  return queryAt === -1 ? url : url.slice(0, queryAt);
};

/**
 * Serves the request when it belongs to one of the registry's vendor or service endpoints,
 * straight on node:http: Next.js costs ~1 ms of CPU per request before our ~50 µs of work, and
 * these are the automation hot paths (docs/decisions/0008). The console's API and every page
 * go to Next.js (and in development, everything does). Returns false to leave the request to Next.
 * `match` is the registry's answer for the request (`matchRequest`).
 */
export async function dispatchApiRequest(req: IncomingMessage, res: ServerResponse, match: RouteMatch | null): Promise<boolean> {
  // Unknown paths too: Next.js may have a route of its own there (a benchmark's), and otherwise
  // its catch-all answers the same 404 through the registry.
  if (!match || match.kind === "not-found") return false;
  const dialect = match.kind === "endpoint" ? match.endpoint.dialect : match.dialect;
  if (dialect.family === "console") return false;
  const request = fromNodeRequest(req);
  await writeNodeResponse(req, res, await serveRouted(request, match));
  return true;
}

/** The registry's route for a node:http request (null: not an API path). */
export function matchRequest(req: IncomingMessage): RouteMatch | null {
  return routeRequest((req.method ?? "GET").toUpperCase(), pathnameOf(req.url ?? "/"));
}

/**
 * Next.js 16 drops the body of a GET request, but some endpoints take one (the Mendix lookup, as
 * older Mendix docs send it). When Next.js serves such an endpoint (development), the request is
 * handed on as POST, which the registry declares with the same handler; the body is not touched.
 */
export function keepGetBodyForNext(req: IncomingMessage): void {
  if (req.method !== "GET" || (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined)) return;
  if (req.headers["content-length"] === "0") return;
  const match = routeRequest("GET", pathnameOf(req.url ?? "/"));
  if (match?.kind === "endpoint" && match.endpoint.body && routeRequest("POST", pathnameOf(req.url ?? "/"))?.kind === "endpoint") req.method = "POST";
}
