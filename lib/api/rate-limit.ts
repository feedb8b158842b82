import { addToWindow } from "@/db/queries/rate-limits";
import { sweepEndedCounters } from "@/lib/auth/rate-limit-sweep";
import { getDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { metrics } from "@/lib/observability/metrics";

export type RateLimitState = { limit: number; remaining: number; resetSeconds: number; limited: boolean };

const KEY_PREFIX = "api:";
// A process reserves at most this share of what is left of a budget at once (and at least one
// point): the write per request becomes one per reservation, and near the end of a budget the
// reservations shrink to single points, so little of it can sit unused in another instance.
const RESERVE_SHARE = 1 / 16;
const MAX_RESERVATION = 64;

/** What this process holds of a key's budget in the current window. */
type Allowance = { expiresAt: number; left: number; countedTotal: number; limited: boolean };

// One per process, on globalThis: the server's bundle and Next's each load this module.
const state = globalThis as unknown as {
  rosterAllowances?: Map<string, Allowance>;
  rosterReservations?: Map<string, Promise<unknown>>;
};

function reservationSize(limit: number, countedTotal: number): number {
  return Math.max(1, Math.min(MAX_RESERVATION, Math.floor((limit - countedTotal) * RESERVE_SHARE)));
}

/** The state a request gets from this allowance; a refusal is counted in the metrics. */
function answer(limit: number, allowance: Allowance, now: number): RateLimitState {
  const resetSeconds = Math.max(1, Math.ceil((allowance.expiresAt - now) / 1000));
  if (allowance.limited) {
    metrics().rateLimited.inc({ limiter: "api" });
    return { limit, remaining: 0, resetSeconds, limited: true };
  }
  return { limit, remaining: Math.max(0, limit - allowance.countedTotal) + allowance.left, resetSeconds, limited: false };
}

/**
 * Takes one request from the key's budget (a token id, or a client address before
 * authentication). The budget is counted in the database, so it is one budget whichever
 * instance answers; each process reserves points in small batches (docs/decisions/0014), so a
 * request seldom writes. Never more than the limit is admitted across instances.
 */
export async function consumeRateLimit(key: string, now = Date.now()): Promise<RateLimitState> {
  const limit = serverEnv().RATE_LIMIT_REQUESTS;
  const allowances = (state.rosterAllowances ??= new Map());
  const reservations = (state.rosterReservations ??= new Map());
  // One reservation per key at a time: concurrent requests that found the allowance used up wait
  // for it and share what it brings, instead of each reserving a batch (together more than the
  // budget left, so that the later ones were refused while points sat unused in this process).
  for (;;) {
    const held = allowances.get(key);
    const current = held && now < held.expiresAt ? held : undefined;
    if (current && (current.left > 0 || current.limited)) {
      if (!current.limited) current.left -= 1;
      return answer(limit, current, now);
    }
    const inFlight = reservations.get(key);
    if (!inFlight) break;
    await inFlight.catch(() => {});
  }
  const reservation = reserve(allowances, key, limit, now).finally(() => reservations.delete(key));
  reservations.set(key, reservation);
  const allowance = await reservation;
  if (!allowance.limited) allowance.left -= 1;
  return answer(limit, allowance, now);
}

/** Adds this process's next batch of points for the key to the shared counter; what it was granted. */
async function reserve(allowances: Map<string, Allowance>, key: string, limit: number, now: number): Promise<Allowance> {
  const db = getDb();
  if (await sweepEndedCounters(db, now)) {
    for (const [heldKey, allowance] of allowances) if (allowance.expiresAt <= now) allowances.delete(heldKey);
  }
  const held = allowances.get(key);
  const current = held && now < held.expiresAt ? held : undefined;
  const points = current ? reservationSize(limit, current.countedTotal) : 1;
  const counted = await addToWindow(db, KEY_PREFIX + key, points, serverEnv().RATE_LIMIT_WINDOW_SECONDS * 1000, now);
  const granted = Math.max(0, Math.min(points, limit - (counted.points - points)));
  const allowance: Allowance = { expiresAt: counted.expiresAt, left: granted, countedTotal: counted.points, limited: granted === 0 };
  allowances.set(key, allowance);
  return allowance;
}

export function rateLimitHeaders(rateLimit: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(rateLimit.limit),
    "RateLimit-Remaining": String(rateLimit.remaining),
    "RateLimit-Reset": String(rateLimit.resetSeconds),
  };
  if (rateLimit.limited) headers["Retry-After"] = String(rateLimit.resetSeconds);
  return headers;
}
