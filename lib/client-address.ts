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
