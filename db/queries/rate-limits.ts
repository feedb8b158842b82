import type { Db, Dialect } from "../driver/types";
import { prepared } from "../prepared";

// Counters in the rate_limits table: the API's request budgets and the sign-in throttle's
// (docs/decisions/0014). Every process on the database counts into the same rows. `expire` (when
// a window or a block ends) is epoch milliseconds on SQLite and a timestamptz on PostgreSQL; the
// functions here take and return epoch milliseconds on both.

export type WindowCount = { points: number; expiresAt: number };

/** A counter as the sign-in throttle's store reads it: `expiresAt` null for a counter that never ends. */
export type RateLimitCounter = { points: number; expiresAt: number | null };

type ExpireSql = { value: (param: string) => string; read: string };
const EXPIRE: Record<Dialect, ExpireSql> = {
  sqlite: { value: (param) => param, read: "expire" },
  postgres: {
    value: (param) => `to_timestamp(${param} / 1000.0)`,
    read: "(extract(epoch from expire) * 1000)::bigint",
  },
};

/**
 * Adds `points` to the key's count in its fixed window, starting a new window when the last one
 * has ended, and returns the count with them. One statement, so concurrent callers in any process
 * each see a count that includes their own points and every earlier caller's.
 */
export async function addToWindow(db: Db, key: string, points: number, windowMs: number, now = Date.now()): Promise<WindowCount> {
  const counted = await upsertRateLimit(db, { key, points, expiresAt: now + windowMs, force: false }, now);
  return counted as WindowCount;
}

// rate-limiter-flexible's store semantics: a counter whose window has ended starts again; `force`
// (a block) sets the points and the end whatever the counter held; a null end never passes.
const upsertSql = ({ value, read }: ExpireSql) => `insert into rate_limits (key, points, expire) values (@key, @points, ${value("@expiresAt")})
  on conflict (key) do update set
    points = case when @force = 1 or rate_limits.expire <= ${value("@now")} then @points else rate_limits.points + @points end,
    expire = case when @force = 1 or rate_limits.expire <= ${value("@now")} then excluded.expire else rate_limits.expire end
  returning points, ${read} as "expiresAt"`;
const UPSERT = { sqlite: upsertSql(EXPIRE.sqlite), postgres: upsertSql(EXPIRE.postgres) };

const currentSql = ({ value, read }: ExpireSql) =>
  `select points, ${read} as "expiresAt" from rate_limits where key = ? and (expire is null or expire > ${value("?")})`;
const CURRENT = { sqlite: currentSql(EXPIRE.sqlite), postgres: currentSql(EXPIRE.postgres) };

const ENDED_BEFORE = { sqlite: `delete from rate_limits where expire < ?`, postgres: `delete from rate_limits where expire < ${EXPIRE.postgres.value("?")}` };

/** Adds `points` (negative to refund) to a counter, or with `force` sets it; one atomic statement. */
export async function upsertRateLimit(
  db: Db,
  input: { key: string; points: number; expiresAt: number | null; force: boolean },
  now = Date.now(),
): Promise<RateLimitCounter> {
  const row = await prepared<RateLimitCounter>(db, UPSERT[db.dialect]).get({ ...input, force: input.force ? 1 : 0, now });
  return row!;
}

/** The key's counter while its window or block lasts. */
export function currentRateLimit(db: Db, key: string, now = Date.now()): Promise<RateLimitCounter | undefined> {
  return prepared<RateLimitCounter>(db, CURRENT[db.dialect]).get(key, now);
}

export async function deleteRateLimit(db: Db, key: string): Promise<boolean> {
  return (await prepared(db, `delete from rate_limits where key = ?`).run(key)).changes > 0;
}

/** Deletes counters whose window or block ended before `before` (keys of long-gone clients pile up otherwise). */
export async function deleteEndedRateLimits(db: Db, before: number): Promise<number> {
  return (await prepared(db, ENDED_BEFORE[db.dialect]).run(before)).changes;
}
