import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BROWSER_ORIGIN_HEADER, browserOriginOf, clientAddress, isFromTrustedProxy } from "@/lib/client-address";
import { CONTENT_SECURITY_POLICY, consoleScriptPolicy, scriptNonce } from "@/lib/http/console-script-policy";
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from "@/lib/http/types";

// What a proxy may name a request: ids as nginx ($request_id), load balancers and tracing write them.
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The client address comes from the socket, never from a header the client could forge, unless
 * the socket's peer is a proxy the operator trusts (TRUSTED_PROXIES). So does the request id: a
 * trusted proxy's X-Request-Id is kept (one id across the proxy's log and ours), anything else
 * gets a fresh id, since the id is written into audit events.
 */
export function prepareRequest(req: IncomingMessage): string {
  req.headers[CLIENT_IP_HEADER] = clientAddress(req);
  const offered = req.headers["x-request-id"];
  const requestId = typeof offered === "string" && REQUEST_ID.test(offered) && isFromTrustedProxy(req) ? offered : randomUUID();
  req.headers[REQUEST_ID_HEADER] = requestId;
  return requestId;
}

/**
 * For a request Next.js serves (the console), the origin browsers address, the same way
 * (PUBLIC_ORIGIN, or the Host with the socket's or a trusted proxy's scheme): the passkeys' relying
 * party, the session cookie's Secure flag, the sign-in's origin check, the SSO redirect URI. The
 * API's answers on node:http never read it, so they do not pay for it.
 */
export function prepareForNext(req: IncomingMessage): void {
  req.headers[BROWSER_ORIGIN_HEADER] = browserOriginOf(req);
}

/**
 * A fresh script nonce for a request Next.js serves: the policy on the answer, and on the request,
 * where Next.js looks for the nonce to put on the page's scripts (lib/http/console-script-policy.ts).
 * Whatever policy header the client sent is replaced. next.config.js leaves this header to us.
 */
export function applyConsoleScriptPolicy(req: IncomingMessage, res: ServerResponse, dev: boolean): void {
  const policy = consoleScriptPolicy(scriptNonce(), dev);
  req.headers[CONTENT_SECURITY_POLICY] = policy;
  res.setHeader(CONTENT_SECURITY_POLICY, policy);
}
