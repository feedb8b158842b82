import { prepared, type Connection } from "../prepared";

// The API's request budgets, in the rate_limits table that the sign-in throttle's store uses too
// (docs/decisions/0014): every process on the database counts into the same rows.

export type WindowCount = { points: number; expiresAt: number };

/**
 * Adds `points` to the key's count in its fixed window, starting a new window when the last one
 * has ended, and returns the count with them. One statement, so concurrent callers in any process
 * each see a count that includes their own points and every earlier caller's.
 */
export function addToWindow(db: Connection, key: string, points: number, windowMs: number, now = Date.now()): WindowCount {
  return prepared<WindowCount>(
    db,
    `insert into rate_limits (key, points, expire) values (@key, @points, @expiresAt)
     on conflict (key) do update set
       points = case when rate_limits.expire <= @now then @points else rate_limits.points + @points end,
       expire = case when rate_limits.expire <= @now then excluded.expire else rate_limits.expire end
     returning points, expire as expiresAt`,
  ).get({ key, points, expiresAt: now + windowMs, now })!;
}

/** Deletes counters whose window or block ended before `before` (keys of long-gone clients pile up otherwise). */
export function deleteEndedRateLimits(db: Connection, before: number): number {
  return prepared(db, `delete from rate_limits where expire < ?`).run(before).changes;
}
