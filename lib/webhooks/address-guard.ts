import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";

// Webhook URLs are chosen by a tenant's admins, and Roster calls them from inside its own network:
// without this guard an endpoint could reach the database, a cloud metadata service or an admin
// port on loopback (SSRF). Checked when an endpoint is created and again on every connection,
// because DNS answers change; the connection goes to the address that was checked.

/** The code of the errors this guard raises, for the attempt log. */
export const REFUSED_ADDRESS = "EWEBHOOKADDRESS";

export class RefusedAddressError extends Error {
  readonly code = REFUSED_ADDRESS;
}

/**
 * Ranges that are not globally reachable but that ipaddr.js 1.x calls "unicast" (its own lists have
 * none of them), refused by name. Checked after ipaddr.js's ranges, on the address process() gives.
 */
const v4 = (cidr: string) => ipaddr.IPv4.parseCIDR(cidr);
const v6 = (cidr: string) => ipaddr.IPv6.parseCIDR(cidr);
const NOT_GLOBAL_IPV4: Record<string, [ipaddr.IPv4, number]> = {
  // RFC 2544 network benchmarking: used inside networks (test labs, some VPNs and cloud appliances).
  benchmarking: v4("198.18.0.0/15"),
};
const NOT_GLOBAL_IPV6: Record<string, [ipaddr.IPv6, number]> = {
  benchmarking: v6("2001:2::/48"),
  // Deprecated site-local (RFC 3879), still routed as private by some networks.
  siteLocal: v6("fec0::/10"),
  // Local-use NAT64 (RFC 8215): on a NAT64 network 64:ff9b:1::a9fe:a9fe reaches 169.254.169.254.
  // (The well-known 64:ff9b::/96 is ipaddr.js's "rfc6052", refused already.)
  nat64LocalUse: v6("64:ff9b:1::/48"),
  // Deprecated IPv4-compatible addresses (RFC 4291): ::a00:1 is 10.0.0.1 to a stack that still takes
  // them. :: and ::1, inside it, are ipaddr.js's "unspecified" and "loopback" already.
  ipv4Compatible: v6("::/96"),
  // Discard-only (RFC 6666), ORCHID and ORCHIDv2 identifiers (RFC 4843, 7343), the newer
  // documentation range (RFC 9637): none of them is an address a receiver can have.
  discardOnly: v6("100::/64"),
  orchid: v6("2001:10::/28"),
  orchidV2: v6("2001:20::/28"),
  documentation: v6("3fff::/20"),
};

/**
 * Why `address` may not be called (loopback, private, link-local, unique-local, multicast,
 * unspecified, carrier-grade NAT, reserved, an IPv4-mapped one of these, ...), or null for a
 * public unicast address. Anything ipaddr.js does not call "unicast" is refused, and the ranges
 * of NOT_GLOBAL_IPV4/IPV6, which it does.
 */
export function refusedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  // process() turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4 address it maps.
  const parsed = ipaddr.process(address);
  let range: string = parsed.range();
  if (range === "unicast") range = parsed instanceof ipaddr.IPv4 ? ipaddr.subnetMatch(parsed, NOT_GLOBAL_IPV4) : ipaddr.subnetMatch(parsed, NOT_GLOBAL_IPV6);
  return range === "unicast" ? null : `${address} is a ${range} address`;
}

/** `reason`: a sentence for the admin who gave the URL. */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The URL's own checks, with no DNS: http(s), a host, no credentials. */
export function parseWebhookUrl(value: string): UrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: "The URL is not valid." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "The URL must start with https:// or http://." };
  if (url.username || url.password) return { ok: false, reason: "The URL must not contain a user name or password." };
  if (!url.hostname) return { ok: false, reason: "The URL must name a host." };
  return { ok: true, url };
}

/** The URL's host as an IP address when it is one (IPv6 without its brackets). */
const literalAddress = (url: URL): string | null => {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return net.isIP(host) ? host : null;
};

type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;
const resolveAll: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * Whether Roster may send to `value` (an endpoint being created or changed): the URL's checks
 * and, unless private addresses are allowed, every address its host resolves to.
 */
export async function checkWebhookUrl(value: string, options: { allowPrivateAddresses: boolean; resolve?: Resolve }): Promise<UrlCheck> {
  const parsed = parseWebhookUrl(value);
  if (!parsed.ok || options.allowPrivateAddresses) return parsed;
  const literal = literalAddress(parsed.url);
  let addresses: string[];
  if (literal) addresses = [literal];
  else {
    try {
      addresses = (await (options.resolve ?? resolveAll)(parsed.url.hostname)).map(({ address }) => address);
    } catch {
      return { ok: false, reason: `The URL's host ${parsed.url.hostname} could not be resolved.` };
    }
  }
  for (const address of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) return { ok: false, reason: `Webhooks are not sent to private or reserved addresses, and the URL's host is one (${reason}).` };
  }
  return parsed;
}

/**
 * Refuses a delivery to a URL whose host is a private IP address written out: sockets connect to
 * such a host without a lookup, so guardedLookup never sees it.
 */
export function assertLiteralHostAllowed(url: URL): void {
  const literal = literalAddress(url);
  const reason = literal && refusedAddressReason(literal);
  if (reason) throw new RefusedAddressError(`refused address: ${reason}`);
}

/**
 * The DNS lookup of the webhook sender's connections: every address of the host is checked and
 * the socket connects to the addresses checked, so a second DNS answer cannot slip a private one in.
 */
export const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 4);
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      if (reason) return callback(new RefusedAddressError(`refused address: ${hostname} resolves to ${reason}`), "", 4);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};
