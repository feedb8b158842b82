import type { Db } from "@/db/client";
import { RateLimiterDb } from "../rate-limiter-store";

// Wrong second factors are counted per admin account, across its pending sign-ins and addresses,
// unlike wrong passwords (docs/decisions/0010): only someone who knows the password reaches this
// step, and a six-digit code must not be guessable by starting sign-in after sign-in. Such a
// person can hold the account's second factor off for a while; the password is then known to be
// leaked, and the audit log says so (docs/decisions/0022).
export const SECOND_FACTOR_LIMIT = { keyPrefix: "second_factor_admin", points: 10, duration: 15 * 60, blockDuration: 15 * 60 } as const;

/** A limiter's answer (resolved or rejected); checked by shape because two copies of the library may be loaded. */
type LimiterAnswer = { msBeforeNext: number; consumedPoints: number };
const isLimiterAnswer = (value: unknown): value is LimiterAnswer =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as LimiterAnswer).msBeforeNext === "number" &&
  typeof (value as LimiterAnswer).consumedPoints === "number";

export type SecondFactorThrottle = {
  /**
   * Counts an attempt at the admin's second factor before it is checked: null when it may be
   * checked, else the seconds to wait (the attempt must not be checked). The count is one atomic
   * write in the database, so concurrent attempts, in any process, cannot all pass.
   */
  admit(adminId: string): Promise<number | null>;
  /** The admitted attempt was right: the count starts again. */
  succeeded(adminId: string): Promise<void>;
  /** The admitted attempt ended as neither right nor wrong (e.g. its pending sign-in was used up): its point is given back. */
  refund(adminId: string): Promise<void>;
};

/** Whole minutes, in seconds, and at least one. */
const waitSeconds = (ms: number) => Math.max(60, Math.ceil(ms / 60_000) * 60);

export function createSecondFactorThrottle(
  db: Db,
  limit: typeof SECOND_FACTOR_LIMIT | { keyPrefix: string; points: number; duration: number; blockDuration: number } = SECOND_FACTOR_LIMIT,
): SecondFactorThrottle {
  const limiter = new RateLimiterDb(db, limit);
  return {
    async admit(adminId) {
      // A cheap read first, as the sign-in throttle's: a spent budget costs no write.
      const current: unknown = await limiter.get(adminId);
      if (isLimiterAnswer(current) && current.consumedPoints >= limit.points) return waitSeconds(current.msBeforeNext);
      // Then the attempt is counted before its code is checked, so that concurrent attempts
      // cannot all pass the read above: the store's upsert is atomic, and each one sees a count
      // that includes its own point and every earlier one's.
      try {
        await limiter.consume(adminId);
        return null;
      } catch (rejection) {
        if (!isLimiterAnswer(rejection)) throw rejection;
        // An attempt that raced the one starting the block may still see the window's end; the
        // block (written by that one) ends blockDuration from now.
        return waitSeconds(Math.min(rejection.msBeforeNext, limit.blockDuration * 1000));
      }
    },
    async succeeded(adminId) {
      await limiter.delete(adminId);
    },
    async refund(adminId) {
      await limiter.reward(adminId, 1);
    },
  };
}

/**
 * Runs `check` unless the admin's second factor is blocked for now (then `blocked` answers). The
 * attempt is counted against the admin before `check` runs, as the sign-in throttle counts a
 * password before hashing it: a wrong or replayed answer keeps its point, a right one clears the
 * count, any other answer gets its point back, and a `check` that throws keeps it. Sign-in's
 * second step and step-up share it, so they share the admin's budget of wrong codes.
 */
export async function throttledSecondFactor<T extends { ok: boolean; reason?: string }>(
  throttle: SecondFactorThrottle,
  adminId: string,
  check: () => Promise<T>,
  blocked: (retryAfterSeconds: number) => Promise<T>,
): Promise<T> {
  const blockedFor = await throttle.admit(adminId);
  if (blockedFor !== null) return blocked(blockedFor);
  const outcome = await check();
  if (outcome.ok) await throttle.succeeded(adminId);
  else if (outcome.reason !== "invalid" && outcome.reason !== "replayed") await throttle.refund(adminId);
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
