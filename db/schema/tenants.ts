import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamps } from "./columns";

export const tenants = sqliteTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    // Kept exact by triggers on users (db/migrations, docs/decisions/0013): a count(*) of a
    // million-user tenant takes ~45 ms, too long for every unfiltered ListUsers page.
    userCount: integer("user_count").notNull().default(0),
    // Three private-use characters, one trigram: the tenant's token in the users_search index,
    // so that a query's candidates are the tenant's own rows (docs/decisions/0013).
    searchTag: text("search_tag").notNull(),
    // "MFA required for admins" (docs/decisions/0022). False for rows that predate it, so an upgrade
    // locks no one out; ensureTenant writes true for every tenant created since.
    requireMfa: integer("require_mfa", { mode: "boolean" }).notNull().default(false),
    // "Bulk jobs above N rows need a second admin" (docs/decisions/0025); null: off. 100 for every
    // tenant, those that predate it included: the issue names it as the safe default.
    approvalThreshold: integer("approval_threshold").default(100),
    // IANA zone in which a leaver file's date-only effective_at ends (docs/decisions/0024).
    timeZone: text("time_zone").notNull().default("UTC"),
    ...timestamps,
  },
  (t) => [uniqueIndex("tenants_name_unique").on(t.name), uniqueIndex("tenants_search_tag_unique").on(t.searchTag)],
);

/** The tenant a row belongs to: every table but tenants has one, and nothing is read across tenants. */
export const tenantId = () =>
  text("tenant_id")
    .notNull()
    .references(() => tenants.id);

export type Tenant = typeof tenants.$inferSelect;
