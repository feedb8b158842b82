import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

// A webhook receiver on loopback for the tests, the crash spec and the benchmark: it verifies each
// request's signature as a real receiver would (standardwebhooks' verify) and keeps what came.

export type ReceivedRequest = {
  /** webhook-id: the event's id. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  timestamp: string;
  /** Whether the signature verified with the secret set (false without one). */
  signatureValid: boolean;
  /** What the receiver answered (null: held, never answered). */
  answered: number | null;
  receivedAt: number;
};

/** A status code to answer, or "hold": keep the request open, unanswered, until the receiver closes. */
export type Answer = number | "hold";

export type TestReceiver = {
  url: string;
  port: number;
  /** Every request, in the order they arrived. */
  requests: ReceivedRequest[];
  /** The secret signatures are verified with (the endpoint's, once it exists). */
  secret: string | null;
  /** Decides each answer; the default answers 204. */
  answer: (request: ReceivedRequest) => Answer;
  /** The events answered with a 2xx, first answer only, in order of arrival. */
  delivered(): ReceivedRequest[];
  /** Stops listening and drops every connection (a receiver that is down). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
};

export async function startTestReceiver(options: { port?: number } = {}): Promise<TestReceiver> {
  const sockets = new Set<import("node:net").Socket>();
  const receiver: TestReceiver = {
    url: "",
    port: 0,
    requests: [],
    secret: null,
    answer: () => 204,
    delivered() {
      const seen = new Set<string>();
      return receiver.requests.filter((request) => {
        if (request.answered === null || request.answered < 200 || request.answered >= 300 || seen.has(request.id)) return false;
        seen.add(request.id);
        return true;
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    restart: () => listen(receiver.port),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
      let signatureValid = false;
      if (receiver.secret) {
        try {
          new Webhook(receiver.secret).verify(body, headers);
          signatureValid = true;
        } catch {
          signatureValid = false;
        }
      }
      const parsed = JSON.parse(body) as { type: string; timestamp: string; data: Record<string, unknown> };
      const request: ReceivedRequest = {
        id: headers["webhook-id"] ?? "",
        type: parsed.type,
        data: parsed.data,
        timestamp: parsed.timestamp,
        signatureValid,
        answered: null,
        receivedAt: Date.now(),
      };
      receiver.requests.push(request);
      const answer = receiver.answer(request);
      if (answer === "hold") return;
      request.answered = answer;
      res.writeHead(answer).end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        receiver.port = (server.address() as AddressInfo).port;
        receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
        resolve();
      });
    });
  await listen(options.port ?? 0);
  return receiver;
}
