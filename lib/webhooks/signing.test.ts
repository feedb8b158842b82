import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { JITTER, MAX_ATTEMPTS, RETRY_DELAYS_MS, retryDelay } from "./backoff";
import { newWebhookSecret, signerFor } from "./signing";

describe("webhook signatures", () => {
  it("makes whsec_ secrets of 32 random bytes", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it("signs so that a Standard Webhooks receiver verifies, and only with the right secret and body", () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: "user.deactivated", timestamp: new Date().toISOString(), data: { id: "u-1" } });
    const headers = signerFor(secret)("msg_1", body, new Date());
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-signature"]).toMatch(/^v1,/);
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: "user.deactivated" });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace("u-1", "u-2"), headers)).toThrow();
  });
});

describe("the retry schedule", () => {
  it("retries for more than 24 hours even with the shortest jitter, then gives up", () => {
    const shortest = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelay(i + 1, () => 0)!);
    expect(shortest.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThan(24 * 3_600_000);
    expect(retryDelay(MAX_ATTEMPTS)).toBeNull();
    expect(retryDelay(1, () => 0)).toBe(RETRY_DELAYS_MS[0]! * (1 - JITTER));
    expect(retryDelay(1, () => 1)).toBe(RETRY_DELAYS_MS[0]! * (1 + JITTER));
  });

  it("waits longer after each failure, up to its longest wait", () => {
    expect(RETRY_DELAYS_MS.every((delay, i) => i === 0 || delay >= RETRY_DELAYS_MS[i - 1]!)).toBe(true);
  });
});
