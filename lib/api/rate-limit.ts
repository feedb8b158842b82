import { RateLimiterMemory } from "rate-limiter-flexible";
import { serverEnv } from "@/lib/env";

export type RateLimitState = { limit: number; remaining: number; resetSeconds: number; limited: boolean };

// One limiter per process. The server's bundle and Next's each carry a copy of this module (and
// may load rate-limiter-flexible twice), so the instance lives on globalThis and a rejection is
// recognised by its shape, never by `instanceof` of one copy's class.
const globalForLimiter = globalThis as unknown as { rosterRateLimiter?: { limiter: RateLimiterMemory; points: number } };

function limiter() {
  if (!globalForLimiter.rosterRateLimiter) {
    const env = serverEnv();
    globalForLimiter.rosterRateLimiter = {
      limiter: new RateLimiterMemory({ points: env.RATE_LIMIT_REQUESTS, duration: env.RATE_LIMIT_WINDOW_SECONDS }),
      points: env.RATE_LIMIT_REQUESTS,
    };
  }
  return globalForLimiter.rosterRateLimiter;
}

/** A rate-limiter-flexible rejection (its RateLimiterRes), from whichever copy of the library. */
export function isRateLimitRejection(value: unknown): value is { msBeforeNext: number; remainingPoints: number } {
  return typeof value === "object" && value !== null && !(value instanceof Error) && typeof (value as { msBeforeNext?: unknown }).msBeforeNext === "number";
}

/** Takes one request from the key's budget (a token id, or a client address before authentication). */
export async function consumeRateLimit(key: string): Promise<RateLimitState> {
  const { limiter: rateLimiter, points } = limiter();
  try {
    const res = await rateLimiter.consume(key, 1);
    return { limit: points, remaining: res.remainingPoints, resetSeconds: Math.ceil(res.msBeforeNext / 1000), limited: false };
  } catch (rejection) {
    if (isRateLimitRejection(rejection)) {
      return { limit: points, remaining: 0, resetSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), limited: true };
    }
    throw rejection;
  }
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(state.limit),
    "RateLimit-Remaining": String(state.remaining),
    "RateLimit-Reset": String(state.resetSeconds),
  };
  if (state.limited) headers["Retry-After"] = String(state.resetSeconds);
  return headers;
}
