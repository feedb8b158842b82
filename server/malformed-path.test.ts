import { PassThrough } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { answerMalformedApiPath } from "./malformed-path";

function fakeResponse() {
  const captured: { status?: number; headers?: Record<string, string>; body?: string } = {};
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      captured.status = status;
      captured.headers = headers;
    },
    end(body: Buffer) {
      captured.body = body.toString();
    },
  } as unknown as ServerResponse;
  return { res, captured };
}

function fakeRequest(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(new PassThrough(), { url, method: "GET", headers }) as unknown as IncomingMessage;
}

describe("answerMalformedApiPath", () => {
  it("answers a broken percent-encoding on an OS1 path with a 400 in the OS1 envelope", async () => {
    const { res, captured } = fakeResponse();
    expect(await answerMalformedApiPath(fakeRequest("/api/v1/users/ref:%E0%A4%A", { "x-coreos-request-id": "r-1" }), res)).toBe(true);
    expect(captured.status).toBe(400);
    expect(captured.headers).toMatchObject({ "RateLimit-Limit": expect.any(String), "X-COREOS-REQUEST-ID": "r-1" });
    expect(JSON.parse(captured.body!)).toMatchObject({ error: { code: "BAD_REQUEST" }, data: null, request: { requestId: "r-1" } });
  });

  it("answers JITSudo paths in the JITSudo shape", async () => {
    const { res, captured } = fakeResponse();
    await answerMalformedApiPath(fakeRequest("/v1/users/%E0%A4%A/identities"), res);
    expect(JSON.parse(captured.body!)).toMatchObject({ code: "invalid_input" });
  });

  it.each(["/api/v1/users/ref:50%25", "/users/%E0%A4%A", "/api/health"])("leaves %s to Next.js", async (url) => {
    const { res } = fakeResponse();
    expect(await answerMalformedApiPath(fakeRequest(url), res)).toBe(false);
  });
});
