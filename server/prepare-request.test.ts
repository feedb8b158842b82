import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { prepareRequest } from "./prepare-request";

describe("prepareRequest", () => {
  it("takes the client address from the socket, never from the client", () => {
    const req = {
      method: "GET",
      url: "/api/health",
      headers: { "x-roster-client-ip": "1.1.1.1" },
      socket: { remoteAddress: "10.1.2.3" },
    } as unknown as IncomingMessage;
    prepareRequest(req);
    expect(req.headers["x-roster-client-ip"]).toBe("10.1.2.3");
  });
});
