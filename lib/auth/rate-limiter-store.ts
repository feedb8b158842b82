import { RateLimiterPostgres, RateLimiterRes, type IRateLimiterOptions, type RateLimiterStoreAbstract } from "rate-limiter-flexible";
import type { Db } from "@/db/client";
import { currentRateLimit, deleteRateLimit, upsertRateLimit, type RateLimitCounter } from "@/db/queries/rate-limits";

// The library's base class of stores: declared in its types but not exported at run time; every
// one of its database stores extends it. Checked by name, so that an upgrade that moves it fails
// here, at start, rather than at the first sign-in.
const StoreAbstract = Object.getPrototypeOf(RateLimiterPostgres) as typeof RateLimiterStoreAbstract;
if (StoreAbstract.name !== "RateLimiterStoreAbstract") throw new Error(`rate-limiter-flexible: unexpected store base class ${StoreAbstract.name}`);

/**
 * rate-limiter-flexible's store over the rate_limits table through our `Db`, on SQLite and
 * PostgreSQL alike. Not the library's own PostgreSQL store: that one writes `expire` as epoch
 * milliseconds into a bigint column, and our PostgreSQL schema keeps it as a timestamptz (see
 * db/queries/rate-limits.ts). Going through `Db` also keeps a SQLite statement from landing in
 * another request's open transaction on the shared connection. Every read and write is one
 * statement on the shared table, so every process on the database counts into the same rows.
 */
export class RateLimiterDb extends StoreAbstract {
  constructor(
    private readonly db: Db,
    options: IRateLimiterOptions,
  ) {
    super({ ...options, storeClient: db });
  }

  _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<RateLimitCounter> {
    const now = Date.now();
    return upsertRateLimit(this.db, { key, points, expiresAt: msDuration > 0 ? now + msDuration : null, force: forceExpire }, now);
  }

  async _get(key: string): Promise<RateLimitCounter | null> {
    return (await currentRateLimit(this.db, key)) ?? null;
  }

  _delete(key: string): Promise<boolean> {
    return deleteRateLimit(this.db, key);
  }

  _getRateLimiterRes(_key: string, changedPoints: number, counter: RateLimitCounter): RateLimiterRes {
    const msBeforeNext = counter.expiresAt === null ? -1 : Math.max(counter.expiresAt - Date.now(), 0);
    return new RateLimiterRes(Math.max(this.points - counter.points, 0), msBeforeNext, counter.points, counter.points === changedPoints);
  }
}
