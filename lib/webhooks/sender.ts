import { Agent, request } from "undici";
import { assertLiteralHostAllowed, guardedLookup } from "./address-guard";
import { signerFor, type Signer } from "./signing";

// One POST per attempt, on keep-alive connections (a receiver gets thousands of events after a
// bulk job). Redirects are not followed: a 3xx is a failed attempt, like any answer but a 2xx.

/**
 * The whole of an attempt: waiting for a connection, connecting, sending, the answer's headers and
 * reading its (bounded) body. Past it the attempt is cut and fails ("timed out after 10 s", retried).
 * One deadline, not only the agent's timeouts: those are idle timers, which a receiver that sends a
 * byte every few seconds resets for as long as it likes, holding one of the dispatcher's slots and
 * outliving its lease (dispatcher.ts: WEBHOOK_LEASE_MS is 3 times this).
 */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of a 2xx's body is read (its connection is closed when there is more): undici's default for dump(). */
const DELIVERED_BODY_MAX = 128 * 1024;
/** How much of an error answer's body the log keeps. */
const ERROR_TEXT_MAX = 200;

export type Attempt = { url: string; secret: string; eventId: string; payload: string };
export type AttemptResult = { delivered: boolean; statusCode: number | null; error: string | null; latencyMs: number };

export type WebhookSender = {
  /** Settles within the timeout (a failed attempt then), whatever the receiver does. */
  send(attempt: Attempt, at: Date): Promise<AttemptResult>;
  /** Cuts the attempts still in flight (they end as failed) and closes the connections. */
  close(): Promise<void>;
};

export type SenderOptions = {
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: skips the address guard (tests, development). */
  allowPrivateAddresses: boolean;
  /** An attempt's deadline, DELIVERY_TIMEOUT_MS unless given (tests). */
  timeoutMs?: number;
  /** Connections per receiver origin. */
  connectionsPerOrigin?: number;
};

const errorText = (error: unknown, timedOut: string): string => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (/^UND_ERR_(HEADERS|BODY|CONNECT)_TIMEOUT$/.test(String(code))) return timedOut;
    return (typeof code === "string" && !error.message.includes(code) ? `${code}: ${error.message}` : error.message).slice(0, ERROR_TEXT_MAX);
  }
  return String(error).slice(0, ERROR_TEXT_MAX);
};

/** What an attempt cut by close() failed with. */
class SenderClosedError extends Error {}

/** The first characters of an error answer, for the log; the rest is not read (the connection then closes). */
async function startOf(body: AsyncIterable<Buffer>): Promise<string> {
  let text = "";
  for await (const chunk of body) {
    text += chunk.toString("utf8");
    if (text.length >= ERROR_TEXT_MAX) break;
  }
  return text.slice(0, ERROR_TEXT_MAX).trim();
}

export function createWebhookSender(options: SenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const timedOut = `timed out after ${timeoutMs / 1000} s`;
  // The agent's own timeouts end a silent connection early and free its socket; the deadline below bounds the attempt.
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 32,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs, ...(options.allowPrivateAddresses ? {} : { lookup: guardedLookup }) },
  });
  // Per endpoint secret; forgotten wholesale now and then, so that rotated secrets do not pile up.
  const signers = new Map<string, Signer>();
  const signer = (secret: string) => {
    let sign = signers.get(secret);
    if (!sign) {
      if (signers.size >= 1_000) signers.clear();
      sign = signerFor(secret);
      signers.set(secret, sign);
    }
    return sign;
  };
  // The attempts in flight, for close() to cut.
  const inFlight = new Set<AbortController>();

  /** The attempt itself; its request and body reading end when `signal` aborts. */
  async function post(attempt: Attempt, at: Date, signal: AbortSignal): Promise<Omit<AttemptResult, "latencyMs">> {
    const url = new URL(attempt.url);
    if (!options.allowPrivateAddresses) assertLiteralHostAllowed(url);
    const response = await request(url, {
      method: "POST",
      dispatcher: agent,
      signal,
      headers: { "content-type": "application/json", "user-agent": "Roster-Webhooks/1", ...signer(attempt.secret)(attempt.eventId, attempt.payload, at) },
      body: attempt.payload,
    });
    const delivered = response.statusCode >= 200 && response.statusCode < 300;
    if (delivered) {
      // Read to its end (up to dump's limit), so that the connection serves the next attempt. Without
      // the signal, dump() would take a body cut off at the deadline for one read to its end.
      await response.body.dump({ signal, limit: DELIVERED_BODY_MAX });
      return { delivered, statusCode: response.statusCode, error: null };
    }
    const text = await startOf(response.body);
    return { delivered, statusCode: response.statusCode, error: `HTTP ${response.statusCode}${text ? `: ${text}` : ""}` };
  }

  return {
    async send(attempt, at) {
      const started = performance.now();
      const latency = () => Math.round(performance.now() - started);
      const controller = new AbortController();
      inFlight.add(controller);
      // Raced with the request rather than left to it: a request still waiting for a connection of
      // its origin (all busy) is not cut by its signal until it gets one.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const attempted = post(attempt, at, controller.signal).then(
        (result) => ({ ...result, latencyMs: latency() }),
        (error: unknown) => {
          const text = controller.signal.reason instanceof SenderClosedError ? "cut off: the sender closed" : errorText(error, timedOut);
          return { delivered: false, statusCode: null, error: text, latencyMs: latency() };
        },
      );
      try {
        const outcome = await Promise.race([attempted, deadline]);
        if (outcome !== "timeout") return outcome;
        // Cut it (its socket is destroyed), so that neither its connection nor its body lives on.
        controller.abort(new Error(timedOut));
        return { delivered: false, statusCode: null, error: timedOut, latencyMs: latency() };
      } finally {
        clearTimeout(timer);
        inFlight.delete(controller);
      }
    },
    async close() {
      for (const controller of inFlight) controller.abort(new SenderClosedError("the webhook sender closed"));
      await agent.close();
    },
  };
}
