import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookSender } from "./sender";
import { newWebhookSecret } from "./signing";

// Far beyond the sender's timeout below, so that giving up is told apart from waiting on a loaded machine.
const SLOW_ANSWER_MS = 5_000;

describe("the webhook sender", () => {
  let server: http.Server;
  let base = "";
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      if (req.url === "/redirect") return res.writeHead(302, { location: "/ok" }).end();
      if (req.url === "/slow") return void setTimeout(() => res.writeHead(204).end(), SLOW_ANSWER_MS).unref();
      if (req.url === "/error") return res.writeHead(500).end("database is down\n");
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const attempt = (path: string, host = base) => ({ url: `${host}${path}`, secret: newWebhookSecret(), eventId: "msg_1", payload: "{}" });

  it("reports a 2xx as delivered and anything else, redirects included, as failed", async () => {
    const sender = createWebhookSender({ allowPrivateAddresses: true });
    try {
      expect(await sender.send(attempt("/ok"), new Date())).toMatchObject({ delivered: true, statusCode: 204, error: null });
      const before = hits.length;
      expect(await sender.send(attempt("/redirect"), new Date())).toMatchObject({ delivered: false, statusCode: 302 });
      expect(hits.slice(before)).toEqual(["/redirect"]);
      expect(await sender.send(attempt("/error"), new Date())).toMatchObject({ delivered: false, statusCode: 500, error: "HTTP 500: database is down" });
    } finally {
      await sender.close();
    }
  });

  it("gives up on an answer that does not come in time", async () => {
    const sender = createWebhookSender({ allowPrivateAddresses: true, timeoutMs: 200 });
    try {
      const result = await sender.send(attempt("/slow"), new Date());
      expect(result).toMatchObject({ delivered: false, statusCode: null, error: expect.stringMatching(/timed out/) });
      expect(result.latencyMs).toBeLessThan(SLOW_ANSWER_MS);
    } finally {
      await sender.close();
    }
  });

  it("refuses loopback receivers unless private addresses are allowed, by address or by name", async () => {
    const sender = createWebhookSender({ allowPrivateAddresses: false });
    const before = hits.length;
    try {
      expect(await sender.send(attempt("/ok"), new Date())).toMatchObject({ delivered: false, statusCode: null, error: expect.stringContaining("loopback") });
      const byName = base.replace("127.0.0.1", "localhost");
      expect(await sender.send(attempt("/ok", byName), new Date())).toMatchObject({ delivered: false, error: expect.stringContaining("EWEBHOOKADDRESS") });
      expect(hits.length).toBe(before);
    } finally {
      await sender.close();
    }
  });
});
