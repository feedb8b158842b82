import type { IncomingMessage, ServerResponse } from "node:http";
import { jitsudo } from "@/lib/api/dialects/jitsudo";
import { mendixDeactivation } from "@/lib/api/dialects/mendix-deactivation";
import { mendixIdentifiers } from "@/lib/api/dialects/mendix-identifiers";
import { os1 } from "@/lib/api/dialects/os1";
import type { Dialect } from "@/lib/api/dialects/types";
import { CLIENT_IP_HEADER } from "@/lib/api/client-ip";
import { ApiError } from "@/lib/api/errors";
import { consumeRateLimit, rateLimitHeaders } from "@/lib/api/rate-limit";

const DIALECT_BY_PREFIX: [string, Dialect][] = [
  ["/api/user-identifiers/", mendixIdentifiers],
  ["/v1/platform-users/", mendixDeactivation],
  ["/v1/users/", jitsudo],
  ["/api/v1/users", os1],
];

function isMalformed(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/**
 * Next.js answers a path with broken percent-encoding (e.g. `%E0%A4%A`) with its own plain-text
 * 500 before any handler runs. For API paths, answer a 400 in the API's dialect instead.
 * Returns true when it answered.
 */
export async function answerMalformedApiPath(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url ?? "/";
  const pathname = url.split("?")[0] ?? "/";
  if (!pathname.includes("%") || !isMalformed(pathname)) return false;
  const dialect = DIALECT_BY_PREFIX.find(([prefix]) => pathname.startsWith(prefix))?.[1];
  if (!dialect) return false;
  const rateLimit = await consumeRateLimit(`ip:${req.headers[CLIENT_IP_HEADER] ?? "unknown"}`);
  const context = {
    requestId: (dialect.name === "os1" && String(req.headers["x-coreos-request-id"] ?? "").slice(0, 200)) || crypto.randomUUID(),
    method: req.method ?? "GET",
    url: new URL(url, "http://localhost"),
    bodyText: null,
  };
  const response = dialect.error(new ApiError("invalid_input", "The request path has malformed percent-encoding"), context);
  const headers: Record<string, string> = { ...Object.fromEntries(response.headers), ...rateLimitHeaders(rateLimit), "cache-control": "no-store" };
  Object.assign(headers, dialect.extraHeaders?.(context, new Headers()) ?? {});
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
  return true;
}
