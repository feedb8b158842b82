import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { clientAddress, isFromTrustedProxy } from "@/lib/client-address";
import { CLIENT_IP_HEADER, FORWARDED_PROTO_HEADER, REQUEST_ID_HEADER } from "@/lib/http/types";

// What a proxy may name a request: ids as nginx ($request_id), load balancers and tracing write them.
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The client address comes from the socket, never from a header the client could forge, unless
 * the socket's peer is a proxy the operator trusts (TRUSTED_PROXIES). So does the request id: a
 * trusted proxy's X-Request-Id is kept (one id across the proxy's log and ours), anything else
 * gets a fresh id, since the id is written into audit events. And so does the scheme: a trusted
 * proxy's X-Forwarded-Proto says whether the browser used https (the SSO redirect URI).
 */
export function prepareRequest(req: IncomingMessage): string {
  req.headers[CLIENT_IP_HEADER] = clientAddress(req);
  const offered = req.headers["x-request-id"];
  const requestId = typeof offered === "string" && REQUEST_ID.test(offered) && isFromTrustedProxy(req) ? offered : randomUUID();
  req.headers[REQUEST_ID_HEADER] = requestId;
  const proto = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]!
    .trim()
    .toLowerCase();
  if ((proto === "https" || proto === "http") && isFromTrustedProxy(req)) req.headers[FORWARDED_PROTO_HEADER] = proto;
  else delete req.headers[FORWARDED_PROTO_HEADER];
  return requestId;
}
