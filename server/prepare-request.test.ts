import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";

process.env.TRUSTED_PROXIES = "10.9.9.9";
const { prepareForNext, prepareRequest } = await import("./prepare-request");

const request = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({ method: "GET", url: "/api/health", headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe("prepareRequest", () => {
  it("takes the client address from the socket, never from the client", () => {
    const req = request("10.1.2.3", { "x-roster-client-ip": "1.1.1.1" });
    prepareRequest(req);
    expect(req.headers["x-roster-client-ip"]).toBe("10.1.2.3");
  });

  it("gives each request a fresh id, whatever id a client sends", () => {
    const req = request("10.1.2.3", { "x-request-id": "chosen-by-client", "x-roster-request-id": "forged" });
    const id = prepareRequest(req);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(req.headers["x-roster-request-id"]).toBe(id);
    expect(prepareRequest(request("10.1.2.3"))).not.toBe(id);
  });

  it("keeps a trusted proxy's X-Request-Id when it looks like an id", () => {
    expect(prepareRequest(request("10.9.9.9", { "x-request-id": "nginx-4f2a.77:1" }))).toBe("nginx-4f2a.77:1");
    expect(prepareRequest(request("10.9.9.9", { "x-request-id": "two words" }))).toMatch(/^[0-9a-f-]{36}$/);
    expect(prepareRequest(request("10.9.9.9", { "x-request-id": "x".repeat(129) }))).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("names the origin browsers address: the Host, with the scheme a trusted proxy reports and nobody else's", () => {
    const proxied = request("10.9.9.9", { "x-forwarded-proto": "https, http", host: "roster.example" });
    prepareRequest(proxied);
    prepareForNext(proxied);
    expect(proxied.headers).toMatchObject({ "x-roster-browser-origin": "https://roster.example" });
    const direct = request("10.1.2.3", {
      host: "roster.example",
      "x-forwarded-proto": "https",
      "x-roster-browser-origin": "https://evil.example",
    });
    prepareRequest(direct);
    prepareForNext(direct);
    expect(direct.headers).toMatchObject({ "x-roster-browser-origin": "http://roster.example" });
    const odd = request("10.9.9.9", { "x-forwarded-proto": "javascript", host: "roster.example" });
    prepareRequest(odd);
    prepareForNext(odd);
    expect(odd.headers).toMatchObject({ "x-roster-browser-origin": "http://roster.example" });
  });
});
