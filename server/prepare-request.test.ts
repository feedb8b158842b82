import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { prepareRequest } from "./prepare-request";

function request(method: string, url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method, url, headers: { ...headers }, socket: { remoteAddress: "10.1.2.3" } } as unknown as IncomingMessage;
}

describe("prepareRequest", () => {
  it("hands a GET lookup with a JSON body on as POST, so its body survives Next.js", () => {
    const req = request("GET", "/api/user-identifiers/v1/uuids", { "content-length": "52", "content-type": "application/json" });
    prepareRequest(req);
    expect(req.method).toBe("POST");
  });

  it("does so for chunked bodies and with a query string", () => {
    const req = request("GET", "/api/user-identifiers/v1/uuids?x=1", { "transfer-encoding": "chunked" });
    prepareRequest(req);
    expect(req.method).toBe("POST");
  });

  it.each([
    ["a GET without a body", request("GET", "/api/user-identifiers/v1/uuids")],
    ["a GET with an empty body", request("GET", "/api/user-identifiers/v1/uuids", { "content-length": "0" })],
    ["a GET with a body elsewhere", request("GET", "/api/v1/users", { "content-length": "10" })],
  ])("leaves %s alone", (_, req) => {
    prepareRequest(req);
    expect(req.method).toBe("GET");
  });

  it("takes the client address from the socket, never from the client", () => {
    const req = request("GET", "/api/health", { "x-roster-client-ip": "1.1.1.1" });
    prepareRequest(req);
    expect(req.headers["x-roster-client-ip"]).toBe("10.1.2.3");
  });
});
