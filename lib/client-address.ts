import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";
import { serverEnv } from "@/lib/env";

export type ProxyTrust = (address: string, hop: number) => boolean;

/** Compiles TRUSTED_PROXIES entries (lib/env.ts has checked each one). */
export function compileProxyTrust(entries: readonly string[]): ProxyTrust {
  return proxyaddr.compile([...entries]);
}

let configured: { entries: readonly string[]; trust: ProxyTrust } | undefined;

function configuredTrust(): ProxyTrust {
  const entries = serverEnv().TRUSTED_PROXIES;
  if (configured?.entries !== entries) configured = { entries, trust: compileProxyTrust(entries) };
  return configured.trust;
}

/**
 * The address of the client that sent a request: the socket's peer, unless that peer is a proxy
 * the operator trusts (TRUSTED_PROXIES), in which case X-Forwarded-For is read from the right,
 * stopping at the first address that is not a trusted proxy (Express's rule, via proxy-addr).
 * IPv4-mapped IPv6 addresses are written as IPv4, so one client has one spelling.
 */
export function clientAddress(req: Pick<IncomingMessage, "headers" | "socket">, trust: ProxyTrust = configuredTrust()): string {
  const peer = req.socket?.remoteAddress;
  if (!peer) return "unknown";
  // A peer that is no trusted proxy is the client (proxy-addr's answer too): its spelling is
  // worked out once per connection, where keep-alive clients send many requests.
  if (!trust(peer, 0)) {
    let address = peerAddresses.get(req.socket);
    if (address === undefined) peerAddresses.set(req.socket, (address = normalized(peer)));
    return address;
  }
  return normalized(proxyaddr(req as IncomingMessage, trust));
}

const peerAddresses = new WeakMap<object, string>();
const normalized = (address: string) => (ipaddr.isValid(address) ? ipaddr.process(address).toString() : address);

/** Whether the socket's peer is one of the proxies the operator trusts. */
export function isFromTrustedProxy(req: Pick<IncomingMessage, "socket">, trust: ProxyTrust = configuredTrust()): boolean {
  const peer = req.socket?.remoteAddress;
  return peer !== undefined && trust(peer, 0);
}

/** Set by server/prepare-request.ts on requests Next.js serves: the console's origin as browsers address it (browserOriginOf); any value a client sends is replaced there (the API's node:http path never reads it). */
export const BROWSER_ORIGIN_HEADER = "x-roster-browser-origin";

const HOST = /^(?:[\w-]+(?:\.[\w-]+)*|\[[\da-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The origin browsers address Roster at: PUBLIC_ORIGIN when configured; otherwise the Host header
 * with the socket's scheme, or the scheme a trusted proxy reports in X-Forwarded-Proto (a proxy
 * terminating TLS). What any other client claims in X-Forwarded-Proto is ignored: Next.js would
 * take it for the request URL's scheme.
 */
export function browserOriginOf(
  req: Pick<IncomingMessage, "headers" | "socket">,
  publicOrigin: string | undefined = serverEnv().PUBLIC_ORIGIN,
  trust: ProxyTrust = configuredTrust(),
): string {
  if (publicOrigin) return publicOrigin;
  const forwarded = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]!
    .trim()
    .toLowerCase();
  const socketScheme = (req.socket as { encrypted?: boolean } | undefined)?.encrypted ? "https" : "http";
  const scheme = (forwarded === "https" || forwarded === "http") && isFromTrustedProxy(req, trust) ? forwarded : socketScheme;
  const host = req.headers.host ?? "";
  try {
    if (HOST.test(host)) return new URL(`${scheme}://${host}`).origin;
  } catch {
    // A port out of range: as no host at all.
  }
  // No usable Host (HTTP/1.0, a broken client): an origin no browser page has, so origin checks fail.
  return `${scheme}://invalid-host.invalid`;
}

/**
 * The key a client address is counted under (the sign-in throttle, the API's address budgets). An
 * IPv6 client usually holds a whole /64, so its /64 is one address here; anything else (a test's
 * "unknown") is used as it is.
 */
export function addressKey(clientAddress: string): string {
  if (!ipaddr.isValid(clientAddress)) return clientAddress;
  const parsed = ipaddr.process(clientAddress);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toString()}/64`;
}
