import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiResponse } from "./types";
import { closeAfterUnreadBody, fromNodeRequest, writeNodeResponse } from "./node";

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

describe("fromNodeRequest's body", () => {
  // Each answer: the body as read, whether it was read without the stream iterator, whether the request ended.
  const server = http.createServer((req, res) => {
    void (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      let iterated = false;
      const iterator = req.iterator.bind(req);
      req.iterator = (options) => ((iterated = true), iterator(options));
      const chunks: Uint8Array[] = [];
      for await (const chunk of fromNodeRequest(req).body()) chunks.push(chunk);
      await new Promise((resolve) => setImmediate(resolve));
      res.end(`${iterated ? "iterated" : "whole"} ${req.readableEnded ? "ended" : "open"} ${Buffer.concat(chunks).toString("utf8")}\n`);
    })();
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (body: string) => `POST / HTTP/1.1\r\nhost: x\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it("takes a body that came whole in one read, reads a late one to its end, and keeps the connection for the next", async () => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (data: Buffer) => (received += data.toString("utf8")));
    const answers = (count: number) =>
      new Promise<string[]>((resolve) => {
        const check = () => {
          const bodies = received
            .split("\r\n\r\n")
            .slice(1)
            .map((part) => part.split("\n")[0]!);
          if (bodies.length >= count && bodies.every((body) => body.length > 0)) resolve(bodies);
          else setTimeout(check, 5);
        };
        check();
      });
    // Two requests in one write, each with its body; then one whose body comes 50 ms after its head.
    socket.write(request('{"emails":["zoë@example.com"]}') + request("second"));
    expect(await answers(2)).toEqual(['whole ended {"emails":["zoë@example.com"]}', "whole ended second"]);
    socket.write(request("late body").slice(0, -4));
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write("body");
    expect((await answers(3))[2]).toBe("iterated ended late body");
    socket.destroy();
  });
});

describe("closeAfterUnreadBody", () => {
  // Roster's handlers reach the body in the microtasks after the parser's body callback, before it
  // completes the message: the answer's "finish" then comes first. Such a request, and one whose
  // unread body ends within the linger, must leave nothing on its keep-alive socket.
  const closeListeners: number[] = [];
  const server = http.createServer((req, res) => {
    closeAfterUnreadBody(req, res);
    res.once("close", () => setImmediate(() => closeListeners.push(req.socket.listenerCount("close"))));
    void (async () => {
      if (req.url === "/refuse") {
        res.end("refused\n");
        return;
      }
      await new Promise((resolve) => req.once("readable", resolve));
      const chunks: Uint8Array[] = [];
      for await (const chunk of fromNodeRequest(req).body()) chunks.push(chunk);
      res.end(`${Buffer.concat(chunks).length}\n`);
    })();
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("adds no listener to a keep-alive socket per request", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (path: string, body: string) =>
      new Promise<string>((resolve, reject) => {
        http
          .request({ port, method: "POST", path, agent, headers: { "content-length": Buffer.byteLength(body) } }, (res) => {
            let text = "";
            res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
            res.on("end", () => resolve(text));
          })
          .on("error", reject)
          .end(body);
      });
    const body = '{"emails":["a@example.com"]}';
    for (let i = 0; i < 15; i++) {
      const refused = i % 3 === 2;
      expect(await post(refused ? "/refuse" : "/", body)).toBe(refused ? "refused\n" : `${body.length}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    agent.destroy();
    expect(closeListeners).toHaveLength(15);
    expect(Math.max(...closeListeners)).toBe(closeListeners[0]);
  });
});
