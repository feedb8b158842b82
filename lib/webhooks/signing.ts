import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

// Standard Webhooks signing (https://www.standardwebhooks.com), by its reference library: the
// receiver verifies with the same library (or any conforming one) and the endpoint's secret.

export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** A new endpoint secret: "whsec_" and the base64 of 32 random bytes, the key of HMAC-SHA256. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString("base64");
}

export type Signer = (eventId: string, body: string, at: Date) => Record<string, string>;

/**
 * The headers of an attempt, for one endpoint's secret: webhook-id (the event's, the same on every
 * attempt), webhook-timestamp (the attempt's) and webhook-signature. Made once per secret: the
 * library decodes the key when it is made.
 */
export function signerFor(secret: string): Signer {
  const webhook = new Webhook(secret);
  return (eventId, body, at) => ({
    "webhook-id": eventId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": webhook.sign(eventId, at, body),
  });
}
