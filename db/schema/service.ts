import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";

// State the running service keeps for itself, shared by every process on the database; no tenant's data.

/**
 * Counters of rate-limiter-flexible's Drizzle store (lib/auth/sign-in-throttle.ts), kept in the
 * database so that every server process on it shares them. The store reads and writes exactly
 * these three columns, so the table has no createdAt/updatedAt; `expire` is when a window or a
 * block ends, and the store deletes rows an hour after it.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    // "<limiter prefix>:<key>", e.g. "sign_in_address:203.0.113.7"
    key: text("key").primaryKey(),
    points: integer("points").notNull(),
    expire: integer("expire", { mode: "timestamp_ms" }),
  },
  (t) => [index("rate_limits_expire_idx").on(t.expire)],
);

/** One row, rewritten by every health check: proof that the database still takes writes (not read-only, not full). */
export const healthChecks = sqliteTable("health_checks", {
  id: integer("id").primaryKey(),
  checkedAt: epochMs("checked_at").notNull(),
});
