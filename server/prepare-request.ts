import type { IncomingMessage } from "node:http";
import { CLIENT_IP_HEADER } from "@/lib/api/client-ip";
import { clientAddress } from "@/lib/client-address";

/** Endpoints whose published docs send a JSON body with GET. */
const GET_WITH_BODY_PATHS = new Set(["/api/user-identifiers/v1/uuids"]);

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Adjusts a request before Next.js sees it:
 * - Next.js 16 drops the body of a GET request, but older Mendix docs send the email → UUID
 *   lookup as GET with a JSON body. Such a request is handed on as POST, which the endpoint
 *   answers identically; the body stream is untouched, so nothing is buffered here.
 * - The client address comes from the socket, never from a header the client could forge,
 *   unless the socket's peer is a proxy the operator trusts (TRUSTED_PROXIES).
 */
export function prepareRequest(req: IncomingMessage): void {
  if (req.method === "GET" && hasBody(req)) {
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    if (GET_WITH_BODY_PATHS.has(pathname)) req.method = "POST";
  }
  req.headers[CLIENT_IP_HEADER] = clientAddress(req);
}
