import { addToWindow } from "@/db/queries/rate-limits";
import { sweepEndedCounters } from "@/lib/auth/rate-limit-sweep";
import { addressKey } from "@/lib/client-address";
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
// The process holds at most this many allowances (~260 bytes each). An allowance only caches what
// this process reserved of a key's budget and has not spent; the row in rate_limits is the budget.
// Dropping one never admits more than the limit (its unspent points go unused, and the key's next
// request reserves again and finds the count), so a flood of new keys evicts the least recently
// reserved instead of growing the map.
export const MAX_HELD_ALLOWANCES = 10_000;
// The public budget's floor, per second of the window: a load balancer probing health and readiness
// every second from one address spends 2 of these 10, whatever RATE_LIMIT_REQUESTS says.
const PUBLIC_REQUESTS_PER_SECOND = 10;

/**
 * Budgets counted per client address (IPv6 per /64), each under its own key prefix: "ip" for
 * callers whose token failed and paths no endpoint serves (the API's limit), "public" for endpoints
 * that take no credentials (health, readiness, the OpenAPI document, metrics, sign-in), at least
 * PUBLIC_REQUESTS_PER_SECOND per second of the window.
 */
export type AddressBudget = "ip" | "public";

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
export async function consumeRateLimit(key: string, now = Date.now(), limit = serverEnv().RATE_LIMIT_REQUESTS): Promise<RateLimitState> {
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

/** Takes one request from the client address's budget of that kind. */
export function consumeAddressRateLimit(budget: AddressBudget, clientAddress: string, now = Date.now()): Promise<RateLimitState> {
  const { RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS } = serverEnv();
  const limit = budget === "public" ? Math.max(RATE_LIMIT_REQUESTS, PUBLIC_REQUESTS_PER_SECOND * RATE_LIMIT_WINDOW_SECONDS) : RATE_LIMIT_REQUESTS;
  return consumeRateLimit(`${budget}:${addressKey(clientAddress)}`, now, limit);
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
  hold(allowances, key, allowance, now);
  return allowance;
}

/**
 * Keeps the allowance, last in the map's order (the order of reservations), and drops from the
 * front those whose window has ended, and the least recently reserved while the map is over its bound.
 */
function hold(allowances: Map<string, Allowance>, key: string, allowance: Allowance, now: number): void {
  allowances.delete(key);
  allowances.set(key, allowance);
  for (const [heldKey, held] of allowances) {
    if (held.expiresAt > now && allowances.size <= MAX_HELD_ALLOWANCES) break;
    allowances.delete(heldKey);
  }
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
