import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress, compileProxyTrust } from "./client-address";

function request(remoteAddress: string | undefined, forwardedFor?: string) {
  const headers: IncomingMessage["headers"] = forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor };
  return { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("clientAddress", () => {
  const trustNothing = compileProxyTrust([]);

  it("is the socket's peer by default, whatever X-Forwarded-For claims", () => {
    expect(clientAddress(request("203.0.113.7", "198.51.100.1"), trustNothing)).toBe("203.0.113.7");
  });

  it("reads X-Forwarded-For only through trusted proxies, from the right, up to the first untrusted hop", () => {
    const trust = compileProxyTrust(["loopback", "10.0.0.0/8"]);
    // A forged left-most entry is never reached: 198.51.100.9 is the first hop Roster does not trust.
    expect(clientAddress(request("127.0.0.1", "6.6.6.6, 198.51.100.9, 10.1.1.1"), trust)).toBe("198.51.100.9");
    expect(clientAddress(request("127.0.0.1"), trust)).toBe("127.0.0.1");
    // A peer that is not a trusted proxy cannot name another client.
    expect(clientAddress(request("203.0.113.7", "198.51.100.9"), trust)).toBe("203.0.113.7");
  });

  it("writes IPv4-mapped IPv6 peers as IPv4, so one client has one spelling", () => {
    expect(clientAddress(request("::ffff:203.0.113.7"), trustNothing)).toBe("203.0.113.7");
    expect(clientAddress(request("2001:db8:0:0:0:0:0:1"), trustNothing)).toBe("2001:db8::1");
  });

  it("says unknown for a socket that is already gone", () => {
    expect(clientAddress(request(undefined), trustNothing)).toBe("unknown");
  });
});
