import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { serverEnv } from "@/lib/env";

export type RateLimitState = { limit: number; remaining: number; resetSeconds: number; limited: boolean };

// One limiter per process, shared by every API route bundle (hence globalThis).
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

/** Takes one request from the key's budget (a token id, or a client address before authentication). */
export async function consumeRateLimit(key: string): Promise<RateLimitState> {
  const { limiter: rateLimiter, points } = limiter();
  try {
    const res = await rateLimiter.consume(key, 1);
    return { limit: points, remaining: res.remainingPoints, resetSeconds: Math.ceil(res.msBeforeNext / 1000), limited: false };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
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
