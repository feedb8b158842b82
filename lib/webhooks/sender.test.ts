import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "@/test/until";
import { createWebhookSender } from "./sender";
import { newWebhookSecret } from "./signing";

// Far beyond the sender's timeout below, so that giving up is told apart from waiting on a loaded machine.
const SLOW_ANSWER_MS = 5_000;
/** A trickling receiver sends a byte this often: far more often than the timeout, so that no idle timer ever fires. */
const TRICKLE_EVERY_MS = 50;

/** Answers `status` at once, then sends its body one byte every TRICKLE_EVERY_MS, ending after SLOW_ANSWER_MS. */
function trickle(res: http.ServerResponse, status: number): void {
  res.writeHead(status, { "content-type": "text/plain" });
  res.write("x");
  const started = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - started >= SLOW_ANSWER_MS) {
      clearInterval(timer);
      res.end();
    } else res.write("x");
  }, TRICKLE_EVERY_MS);
  timer.unref();
  res.on("close", () => clearInterval(timer));
}

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
      if (req.url === "/trickle") return trickle(res, 200);
      if (req.url === "/trickle-error") return trickle(res, 500);
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

  it("gives up at one deadline on a receiver that answers at once and then trickles its body", async () => {
    const sender = createWebhookSender({ allowPrivateAddresses: true, timeoutMs: 300 });
    try {
      for (const path of ["/trickle", "/trickle-error"]) {
        const result = await sender.send(attempt(path), new Date());
        expect(result).toMatchObject({ delivered: false, statusCode: null, error: "timed out after 0.3 s" });
        expect(result.latencyMs).toBeGreaterThanOrEqual(250);
        expect(result.latencyMs).toBeLessThan(SLOW_ANSWER_MS / 2);
      }
    } finally {
      await sender.close();
    }
  });

  it("counts the deadline from the attempt's start, waiting for a connection included", async () => {
    // One connection: the second attempt waits behind the first, which the receiver holds.
    const sender = createWebhookSender({ allowPrivateAddresses: true, timeoutMs: 300, connectionsPerOrigin: 1 });
    try {
      const results = await Promise.all([sender.send(attempt("/trickle"), new Date()), sender.send(attempt("/trickle"), new Date())]);
      for (const result of results) {
        expect(result).toMatchObject({ delivered: false, error: "timed out after 0.3 s" });
        expect(result.latencyMs).toBeLessThan(SLOW_ANSWER_MS / 2);
      }
    } finally {
      await sender.close();
    }
  });

  it("closes at once, cutting the attempts still in flight", async () => {
    const sender = createWebhookSender({ allowPrivateAddresses: true, timeoutMs: SLOW_ANSWER_MS * 2 });
    const before = hits.length;
    const sent = sender.send(attempt("/trickle"), new Date());
    await until(() => hits.length > before);
    const started = performance.now();
    await sender.close();
    expect(await sent).toMatchObject({ delivered: false, statusCode: null });
    expect(performance.now() - started).toBeLessThan(SLOW_ANSWER_MS / 2);
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
