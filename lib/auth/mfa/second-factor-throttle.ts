import type { Db } from "@/db/client";
import { RateLimiterDb } from "../rate-limiter-store";

// Wrong second factors are counted per admin account, across its pending sign-ins and addresses,
// unlike wrong passwords (docs/decisions/0010): only someone who knows the password reaches this
// step, and a six-digit code must not be guessable by starting sign-in after sign-in. Such a
// person can hold the account's second factor off for a while; the password is then known to be
// leaked, and the audit log says so (docs/decisions/0022).
export const SECOND_FACTOR_LIMIT = { keyPrefix: "second_factor_admin", points: 10, duration: 15 * 60, blockDuration: 15 * 60 } as const;

type LimiterAnswer = { msBeforeNext: number; consumedPoints: number };
const isLimiterAnswer = (value: unknown): value is LimiterAnswer =>
  typeof value === "object" && value !== null && typeof (value as LimiterAnswer).msBeforeNext === "number";

export type SecondFactorThrottle = {
  /** Seconds to wait when the admin's second factor is refused for now; null when it may be tried. */
  blockedFor(adminId: string): Promise<number | null>;
  failed(adminId: string): Promise<void>;
  succeeded(adminId: string): Promise<void>;
};

export function createSecondFactorThrottle(
  db: Db,
  limit: typeof SECOND_FACTOR_LIMIT | { keyPrefix: string; points: number; duration: number; blockDuration: number } = SECOND_FACTOR_LIMIT,
): SecondFactorThrottle {
  const limiter = new RateLimiterDb(db, limit);
  return {
    async blockedFor(adminId) {
      const answer: unknown = await limiter.get(adminId);
      if (!isLimiterAnswer(answer) || answer.consumedPoints < limit.points) return null;
      return Math.max(60, Math.ceil(answer.msBeforeNext / 60_000) * 60);
    },
    async failed(adminId) {
      try {
        await limiter.consume(adminId);
      } catch (rejection) {
        if (!isLimiterAnswer(rejection)) throw rejection;
      }
    },
    async succeeded(adminId) {
      await limiter.delete(adminId);
    },
  };
}

/**
 * Runs `check` unless the admin's second factor is blocked for now (then `blocked` answers); a
 * wrong or replayed answer counts against the admin, a right one clears the count. Sign-in's
 * second step and step-up share it, so they share the admin's budget of wrong codes.
 */
export async function throttledSecondFactor<T extends { ok: boolean; reason?: string }>(
  throttle: SecondFactorThrottle,
  adminId: string,
  check: () => Promise<T>,
  blocked: (retryAfterSeconds: number) => Promise<T>,
): Promise<T> {
  const blockedFor = await throttle.blockedFor(adminId);
  if (blockedFor !== null) return blocked(blockedFor);
  const outcome = await check();
  if (outcome.ok) await throttle.succeeded(adminId);
  else if (outcome.reason === "invalid" || outcome.reason === "replayed") await throttle.failed(adminId);
  return outcome;
}

const globalForThrottle = globalThis as unknown as { rosterSecondFactorThrottles?: WeakMap<Db, SecondFactorThrottle> };

/** One per database handle and process, on globalThis as signInThrottle's (its counters are in the database). */
export function secondFactorThrottle(db: Db): SecondFactorThrottle {
  const throttles = (globalForThrottle.rosterSecondFactorThrottles ??= new WeakMap());
  let throttle = throttles.get(db);
  if (!throttle) {
    throttle = createSecondFactorThrottle(db);
    throttles.set(db, throttle);
  }
  return throttle;
}
