import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { browserOriginOf, compileProxyTrust } from "./client-address";

// The origin browsers address Roster at, as server/prepare-request.ts works it out for every request Next.js serves.

const proxy = compileProxyTrust(["10.0.0.0/8"]);
const request = (remoteAddress: string, headers: Record<string, string>, encrypted?: boolean) =>
  ({ headers, socket: { remoteAddress, encrypted } }) as unknown as IncomingMessage;

describe("browserOriginOf", () => {
  it("is the Host with the socket's scheme; a client's X-Forwarded-Proto changes nothing", () => {
    const direct = request("203.0.113.7", { host: "roster.example.com", "x-forwarded-proto": "https" });
    expect(browserOriginOf(direct, undefined, proxy)).toBe("http://roster.example.com");
    expect(browserOriginOf(request("203.0.113.7", { host: "roster.example.com:8443" }, true), undefined, proxy)).toBe("https://roster.example.com:8443");
  });

  it("takes the scheme a trusted proxy reports (its first value)", () => {
    const proxied = request("10.1.2.3", { host: "roster.example.com", "x-forwarded-proto": "HTTPS, http" });
    expect(browserOriginOf(proxied, undefined, proxy)).toBe("https://roster.example.com");
    const odd = request("10.1.2.3", { host: "roster.example.com", "x-forwarded-proto": "javascript" });
    expect(browserOriginOf(odd, undefined, proxy)).toBe("http://roster.example.com");
  });

  it("is PUBLIC_ORIGIN when configured, whatever the request says", () => {
    const proxied = request("10.1.2.3", { host: "10.0.0.5:3000", "x-forwarded-proto": "http" });
    expect(browserOriginOf(proxied, "https://roster.example.com", proxy)).toBe("https://roster.example.com");
  });

  it("names no real origin when the Host is missing or is not a host", () => {
    for (const host of [undefined, "roster.example.com/path", "evil.example@roster.example.com", "a b", "roster.example.com:99999"]) {
      const headers: Record<string, string> = host === undefined ? {} : { host };
      expect(browserOriginOf(request("203.0.113.7", headers), undefined, proxy), String(host)).toBe("http://invalid-host.invalid");
    }
    expect(browserOriginOf(request("203.0.113.7", { host: "[::1]:3000" }), undefined, proxy)).toBe("http://[::1]:3000");
  });
});
