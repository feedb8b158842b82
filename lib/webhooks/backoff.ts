// When a failed delivery is tried again (docs/decisions/0018): quickly at first, for a receiver
// that restarts, then further apart, for more than 24 hours in all before the delivery gives up.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The wait after each failed attempt: the n-th entry follows the n-th attempt. */
export const RETRY_DELAYS_MS = [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 8 * HOUR, 8 * HOUR];

/** Attempts a delivery gets: the first and one per retry. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Each wait is stretched or shrunk by up to this share, so that deliveries failed together do not all return together. */
export const JITTER = 0.1;

/** An endpoint whose every attempt failed for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * HOUR;

/** The wait after `attemptsMade` failed attempts, or null when the delivery has had all its attempts. */
export function retryDelay(attemptsMade: number, random: () => number = Math.random): number | null {
  const base = RETRY_DELAYS_MS[attemptsMade - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}
