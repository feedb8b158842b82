import { Agent, request } from "undici";
import { assertLiteralHostAllowed, guardedLookup } from "./address-guard";
import { signerFor, type Signer } from "./signing";

// One POST per attempt, on keep-alive connections (a receiver gets thousands of events after a
// bulk job). Redirects are not followed: a 3xx is a failed attempt, like any answer but a 2xx.

/** No connection, or no answer, within this time is a failed attempt (retried); the agent's own timeouts, not a timer per request. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of an error answer's body the log keeps. */
const ERROR_TEXT_MAX = 200;

export type Attempt = { url: string; secret: string; eventId: string; payload: string };
export type AttemptResult = { delivered: boolean; statusCode: number | null; error: string | null; latencyMs: number };

export type WebhookSender = {
  send(attempt: Attempt, at: Date): Promise<AttemptResult>;
  close(): Promise<void>;
};

export type SenderOptions = {
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: skips the address guard (tests, development). */
  allowPrivateAddresses: boolean;
  timeoutMs?: number;
  /** Connections per receiver origin. */
  connectionsPerOrigin?: number;
};

const errorText = (error: unknown): string => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = /^UND_ERR_(HEADERS|BODY|CONNECT)_TIMEOUT$/.test(String(code)) ? "timed out" : error.message;
    return (typeof code === "string" && !text.includes(code) ? `${code}: ${text}` : text).slice(0, ERROR_TEXT_MAX);
  }
  return String(error).slice(0, ERROR_TEXT_MAX);
};

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
  return {
    async send(attempt, at) {
      const started = performance.now();
      const latency = () => Math.round(performance.now() - started);
      try {
        const url = new URL(attempt.url);
        if (!options.allowPrivateAddresses) assertLiteralHostAllowed(url);
        const response = await request(url, {
          method: "POST",
          dispatcher: agent,
          headers: { "content-type": "application/json", "user-agent": "Roster-Webhooks/1", ...signer(attempt.secret)(attempt.eventId, attempt.payload, at) },
          body: attempt.payload,
        });
        const delivered = response.statusCode >= 200 && response.statusCode < 300;
        if (delivered) {
          // Read to its end (up to dump's limit), so that the connection serves the next attempt.
          await response.body.dump();
          return { delivered, statusCode: response.statusCode, error: null, latencyMs: latency() };
        }
        const text = await startOf(response.body);
        return { delivered, statusCode: response.statusCode, error: `HTTP ${response.statusCode}${text ? `: ${text}` : ""}`, latencyMs: latency() };
      } catch (error) {
        return { delivered: false, statusCode: null, error: errorText(error), latencyMs: latency() };
      }
    },
    close: () => agent.close(),
  };
}
