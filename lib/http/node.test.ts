import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiResponse } from "./types";
import { writeNodeResponse } from "./node";

// writeNodeResponse sends a string body as a string (one write with the head): its length must
// still be counted in bytes, not characters.

describe("writeNodeResponse", () => {
  let answer: ApiResponse;
  const server = http.createServer((req, res) => void writeNodeResponse(req, res, answer));
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (method: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .request({ port, method, path: "/", agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on("error", reject)
        .end();
    });

  it("sends a string body whole, its content-length in UTF-8 bytes", async () => {
    const text = JSON.stringify({ displayName: "Zoë Ångström ✓ 👋" });
    answer = { status: 200, headers: { "content-type": "application/scim+json; charset=utf-8", etag: 'W/"v1"' }, body: text };
    const { status, headers, body } = await send("PATCH");
    expect(status).toBe(200);
    expect(headers["content-length"]).toBe(String(Buffer.byteLength(text)));
    expect(Number(headers["content-length"])).toBeGreaterThan(text.length);
    expect(headers.etag).toBe('W/"v1"');
    expect(body.toString("utf8")).toBe(text);
  });

  it("sends bytes as they are and leaves the body out of HEAD and 204 answers", async () => {
    answer = { status: 200, headers: {}, body: new Uint8Array([0xc3, 0xab, 0x21]) };
    expect(await send("GET")).toMatchObject({ headers: { "content-length": "3" }, body: Buffer.from([0xc3, 0xab, 0x21]) });

    answer = { status: 200, headers: {}, body: "ë!" };
    const head = await send("HEAD");
    expect(head.headers["content-length"]).toBe("3");
    expect(head.body.length).toBe(0);

    answer = { status: 204, headers: {}, body: null };
    const empty = await send("PATCH");
    expect(empty.status).toBe(204);
    expect(empty.headers["content-length"]).toBeUndefined();
    expect(empty.body.length).toBe(0);
  });
});
