import type { Db } from "@/db/client";
import { deleteEndedRateLimits } from "@/db/queries/rate-limits";

// Counters of clients long gone (the API's and the throttle's: one table) are swept this often by
// whichever process counts next, an hour after they ended (the library's own stores do the same).
const SWEEP_EVERY_MS = 5 * 60_000;
const SWEEP_AFTER_MS = 60 * 60_000;
// On globalThis: the server's bundle and Next's each load this module, and one sweep serves both.
const sweepState = globalThis as unknown as { rosterRateLimitSweptAt?: number };

/**
 * Deletes counters that ended over an hour ago, at most every few minutes per process; never
 * fails. Whether it swept this time: callers tidy what they hold in memory at the same pace.
 */
export async function sweepEndedCounters(db: Db, now = Date.now()): Promise<boolean> {
  if (now - (sweepState.rosterRateLimitSweptAt ?? 0) < SWEEP_EVERY_MS) return false;
  sweepState.rosterRateLimitSweptAt = now;
  // Not worth failing a request over: the next sweep catches what this one missed.
  await deleteEndedRateLimits(db, now - SWEEP_AFTER_MS).catch(() => 0);
  return true;
}
