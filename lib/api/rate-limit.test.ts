import { afterEach, describe, expect, it } from "vitest";
import { consumeRateLimit, isRateLimitRejection } from "./rate-limit";

type Holder = { rosterRateLimiter?: { limiter: { consume(key: string, points: number): Promise<unknown> }; points: number } };
const holder = globalThis as unknown as Holder;

/** What another bundle's copy of rate-limiter-flexible rejects with: a RateLimiterRes of a class this copy never saw. */
class ForeignRateLimiterRes {
  constructor(
    readonly remainingPoints: number,
    readonly msBeforeNext: number,
  ) {}
}

describe("consumeRateLimit", () => {
  afterEach(() => delete holder.rosterRateLimiter);

  it("recognises a rejection from another copy of the library by its shape: 429, not a thrown error", async () => {
    holder.rosterRateLimiter = { points: 5, limiter: { consume: () => Promise.reject(new ForeignRateLimiterRes(0, 2_400)) } };
    await expect(consumeRateLimit("token:t1")).resolves.toEqual({ limit: 5, remaining: 0, resetSeconds: 3, limited: true });
  });

  it("passes real failures on", async () => {
    const failure = new Error("store unavailable");
    holder.rosterRateLimiter = { points: 5, limiter: { consume: () => Promise.reject(failure) } };
    await expect(consumeRateLimit("token:t1")).rejects.toBe(failure);
    expect(isRateLimitRejection(Object.assign(new Error("x"), { msBeforeNext: 1 }))).toBe(false);
  });

  it("counts down a real budget", async () => {
    process.env.RATE_LIMIT_REQUESTS ??= "600";
    const first = await consumeRateLimit("token:real");
    expect(first).toMatchObject({ limited: false, remaining: first.limit - 1 });
  });
});
