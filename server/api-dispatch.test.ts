import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { lookupUserIds } from "@/lib/api/endpoints/mendix";
import { listUsersEndpoint } from "@/lib/api/endpoints/os1-users";
import { keepGetBodyForNext } from "./api-dispatch";

function request(method: string, url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method, url, headers: { ...headers }, socket: { remoteAddress: "10.1.2.3" } } as unknown as IncomingMessage;
}

describe("keepGetBodyForNext", () => {
  it("hands a GET with a JSON body to an endpoint that takes one on as POST, so its body survives Next.js", () => {
    const req = request("GET", lookupUserIds.path, { "content-length": "52", "content-type": "application/json" });
    keepGetBodyForNext(req);
    expect(req.method).toBe("POST");
  });

  it("does so for chunked bodies and with a query string", () => {
    const req = request("GET", `${lookupUserIds.path}?x=1`, { "transfer-encoding": "chunked" });
    keepGetBodyForNext(req);
    expect(req.method).toBe("POST");
  });

  it.each([
    ["a GET without a body", request("GET", lookupUserIds.path)],
    ["a GET with an empty body", request("GET", lookupUserIds.path, { "content-length": "0" })],
    ["a GET with a body to an endpoint that takes none", request("GET", listUsersEndpoint.path, { "content-length": "10" })],
    ["a GET with a body to a page", request("GET", "/users", { "content-length": "10" })],
  ])("leaves %s alone", (_, req) => {
    keepGetBodyForNext(req);
    expect(req.method).toBe("GET");
  });
});
