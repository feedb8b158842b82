import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";

// State the running service keeps for itself, shared by every process on the database; no tenant's data.

/**
 * Rate-limit counters of every server process on the database: the sign-in throttle's
 * (rate-limiter-flexible on lib/auth/rate-limiter-store.ts) and the API's fixed windows
 * (db/queries/rate-limits.ts). Three columns only; `expire` is when a window or a block ends
 * (a timestamptz on PostgreSQL), and rows are deleted an hour after it.
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

/**
 * Start-up work done once per version of its rule rather than at every start: the version a step
 * last brought every row up to (the email keys: lib/setup/email-keys.ts, docs/decisions/0009).
 */
export const maintenanceMarks = sqliteTable("maintenance_marks", {
  name: text("name").primaryKey(),
  version: text("version").notNull(),
  updatedAt: epochMs("updated_at").notNull(),
});
