import { RateLimiterMemory } from "rate-limiter-flexible";
import type { Db } from "@/db/client";
import type { EmailKey } from "@/db/schema";
import { addressKey } from "@/lib/client-address";
import { sweepEndedCounters } from "./rate-limit-sweep";
import { RateLimiterDb } from "./rate-limiter-store";

/**
 * rate-limiter-flexible's login protection (docs/decisions/0010): failed sign-ins are counted per
 * client address, and consecutively per (email typed, client address). Nothing is counted per
 * account alone, so no one elsewhere can lock an admin out.
 */
export const SIGN_IN_LIMITS = {
  /** Failed attempts one address may make per window, whatever emails it tries; then it waits. */
  address: { keyPrefix: "sign_in_address", points: 30, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Consecutive failures for one email from one address; a success starts the count again. */
  emailAndAddress: { keyPrefix: "sign_in_email_address", points: 5, duration: 24 * 60 * 60, blockDuration: 15 * 60 },
  /**
   * Attempts one address may have in this process at once: a burst waits for no password hash of
   * its own beyond these, so it cannot queue work in front of other people's sign-ins. In memory:
   * hashing costs this process's CPU, and a crash must not leave a count behind. `duration` only
   * bounds how long an attempt that never finished holds its place.
   */
  inFlight: { keyPrefix: "sign_in_in_flight", points: 2, duration: 60, blockDuration: 0 },
} as const;

export type SignInLimit = keyof typeof SIGN_IN_LIMITS;
type StoredLimit = Exclude<SignInLimit, "inFlight">;
type LimitOptions = { keyPrefix: string; points: number; duration: number; blockDuration: number };

export type ThrottleRefusal = {
  admitted: false;
  /** Whole minutes, in seconds (1 for inFlight): the same for every email, so it tells nothing about the account. */
  retryAfterSeconds: number;
  limit: SignInLimit;
  /** True for the one attempt that started this block; later refusals of the same block are false. */
  blockStarted: boolean;
};
export type ThrottleAdmission = {
  admitted: true;
  /** The password was right: the pair's count starts again, and the attempt is refunded to the address. */
  succeeded(): Promise<void>;
  /** The attempt is over (whatever its outcome): its in-flight place is free again. */
  finished(): Promise<void>;
};

export type SignInThrottle = { admit(clientAddress: string, emailKey: EmailKey): Promise<ThrottleAdmission | ThrottleRefusal> };

/** A limiter's answer (resolved or rejected); checked by shape because two copies of the library may be loaded. */
type LimiterAnswer = { msBeforeNext: number; consumedPoints: number };
function isLimiterAnswer(value: unknown): value is LimiterAnswer {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as LimiterAnswer).msBeforeNext === "number" &&
    typeof (value as LimiterAnswer).consumedPoints === "number"
  );
}

const refusalMinutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000)) * 60;

/**
 * The throttle on one database; its counters live in the rate_limits table, shared by every
 * process on it. `overrides` replace whole limits (tests use other prefixes and smaller numbers).
 */
export function createSignInThrottle(db: Db, overrides: Partial<Record<SignInLimit, LimitOptions>> = {}): SignInThrottle {
  const limits: Record<SignInLimit, LimitOptions> = { ...SIGN_IN_LIMITS, ...overrides };
  const limiter = (options: LimitOptions) => new RateLimiterDb(db, options);
  const stored = { address: limiter(limits.address), emailAndAddress: limiter(limits.emailAndAddress) };
  const inFlight = new RateLimiterMemory(limits.inFlight);
  const storedOrder: StoredLimit[] = ["address", "emailAndAddress"];
  const blocked = (limit: StoredLimit, answer: unknown) => isLimiterAnswer(answer) && answer.consumedPoints > limits[limit].points;
  const refusal = (limit: StoredLimit, msBeforeNext: number, blockStarted: boolean): ThrottleRefusal => ({
    admitted: false,
    retryAfterSeconds: refusalMinutes(msBeforeNext),
    limit,
    blockStarted,
  });

  /** The counters in the database: a refusal, or null when the attempt is counted and may go on. */
  async function countStored(keys: Record<StoredLimit, string>): Promise<ThrottleRefusal | null> {
    // A cheap read first, as the library's login example does: a blocked key costs no write.
    const current = await Promise.all(storedOrder.map((limit) => stored[limit].get(keys[limit])));
    const refusals = storedOrder.flatMap((limit, i) => {
      const answer = current[i];
      return blocked(limit, answer) && isLimiterAnswer(answer) ? [refusal(limit, answer.msBeforeNext, false)] : [];
    });
    if (refusals.length > 0) return refusals.reduce((a, b) => (b.retryAfterSeconds > a.retryAfterSeconds ? b : a));

    // Then the attempt is counted before the password is hashed, so that concurrent attempts
    // cannot all pass the read above: the store's upsert is atomic.
    const consumed = await Promise.allSettled(storedOrder.map((limit) => stored[limit].consume(keys[limit])));
    for (const [i, outcome] of consumed.entries()) {
      if (outcome.status === "fulfilled") continue;
      if (!isLimiterAnswer(outcome.reason)) throw outcome.reason;
      const limit = storedOrder[i]!;
      // An attempt that raced the one starting the block may still see the window's end; the
      // block (written by that one) ends blockDuration from now.
      const msBeforeNext = Math.min(outcome.reason.msBeforeNext, limits[limit].blockDuration * 1000);
      return refusal(limit, msBeforeNext, outcome.reason.consumedPoints === limits[limit].points + 1);
    }
    return null;
  }

  return {
    async admit(clientAddress, emailKey) {
      const address = addressKey(clientAddress);
      const keys = { address, emailAndAddress: `${address} ${emailKey}` };
      try {
        await inFlight.consume(address);
      } catch (rejection) {
        if (!isLimiterAnswer(rejection)) throw rejection;
        await inFlight.reward(address); // a refused consume still counted
        return { admitted: false, retryAfterSeconds: 1, limit: "inFlight", blockStarted: false };
      }
      const finished = async () => void (await inFlight.reward(address));
      let refused: ThrottleRefusal | null;
      try {
        await sweepEndedCounters(db);
        refused = await countStored(keys);
      } catch (error) {
        await finished();
        throw error;
      }
      if (refused) {
        await finished();
        return refused;
      }
      return {
        admitted: true,
        finished,
        async succeeded() {
          await Promise.all([stored.emailAndAddress.delete(keys.emailAndAddress), stored.address.reward(keys.address, 1)]);
        },
      };
    },
  };
}

// One throttle per database handle and process: Next's bundle and the server's each carry a copy
// of this module, and getDb() keeps one handle on globalThis, so the throttles live there too.
const globalForThrottle = globalThis as unknown as { rosterSignInThrottles?: WeakMap<Db, SignInThrottle> };

export function signInThrottle(db: Db): SignInThrottle {
  const throttles = (globalForThrottle.rosterSignInThrottles ??= new WeakMap());
  let throttle = throttles.get(db);
  if (!throttle) {
    throttle = createSignInThrottle(db);
    throttles.set(db, throttle);
  }
  return throttle;
}
