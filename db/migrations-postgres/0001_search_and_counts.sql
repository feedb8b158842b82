-- Written by hand (drizzle-kit generate --custom): what SQLite's 0003_user_list_keys does with
-- FTS5, side tables and triggers, PostgreSQL does with indexes and one trigger function, so that
-- every list and search of db/queries/user-list.ts and console-users.ts reads an index
-- (docs/decisions/0016). No tables: the migrated schema stays the one derived from db/schema/.
-- Both extensions are trusted (PostgreSQL 13+): the database's owner may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
-- ListUsers' substring search: the trigrams of the three keys beside the tenant (btree_gin), so a
-- small tenant's query never walks a large tenant's rows (what the tenant's search_tag does in
-- SQLite's trigram index). The keys are folded already: LIKE's case sensitivity is what we want.
CREATE INDEX "users_search_trgm_idx" ON "users" USING gin (
  "tenant_id", "email_normalized" gin_trgm_ops, "name_folded" gin_trgm_ops, "unique_code_folded" gin_trgm_ops
);--> statement-breakpoint
-- The sort orders, in code point order whatever the database's collation ("C", as SQLite's
-- BINARY), the id breaking ties where the key is not unique (SQLite's rowid does it there); the
-- email index also serves the console's prefix search as one range.
CREATE INDEX "users_tenant_created_at_id_idx" ON "users" ("tenant_id", "created_at", "id" COLLATE "C");--> statement-breakpoint
CREATE INDEX "users_tenant_updated_at_id_idx" ON "users" ("tenant_id", "updated_at", "id" COLLATE "C");--> statement-breakpoint
CREATE INDEX "users_tenant_name_folded_id_idx" ON "users" ("tenant_id", "name_folded" COLLATE "C", "id" COLLATE "C");--> statement-breakpoint
CREATE INDEX "users_tenant_email_c_idx" ON "users" ("tenant_id", "email_normalized" COLLATE "C");--> statement-breakpoint
CREATE INDEX "users_tenant_unique_code_c_idx" ON "users" ("tenant_id", "unique_code" COLLATE "C");--> statement-breakpoint
-- The indexes derived from db/schema/ on (tenant_id, created_at | updated_at | name_folded) are
-- prefixes of the three above: here they would only cost every write (a leaver batch's update of
-- users above all), so PostgreSQL goes without them.
DROP INDEX "users_tenant_created_at_idx";--> statement-breakpoint
DROP INDEX "users_tenant_updated_at_idx";--> statement-breakpoint
DROP INDEX "users_tenant_name_folded_idx";--> statement-breakpoint
-- The audit log's action prefix filter, a range in code point order as on SQLite.
CREATE INDEX "audit_events_tenant_action_c_idx" ON "audit_events" ("tenant_id", "action" COLLATE "C");--> statement-breakpoint
-- tenants.user_count, the total of an unfiltered list: kept by statement-level triggers (one
-- update per tenant and statement, so a bulk insert does not update the tenant once per user),
-- and a row-level one for the rare move between tenants (transition tables cannot be combined
-- with a column list, and every other update of users must not pay for it).
CREATE FUNCTION "users_count_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "tenants" t SET "user_count" = t."user_count" + c.n
    FROM (SELECT "tenant_id", count(*) AS n FROM inserted GROUP BY "tenant_id") c WHERE t."id" = c."tenant_id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "users_count_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "tenants" t SET "user_count" = t."user_count" - c.n
    FROM (SELECT "tenant_id", count(*) AS n FROM deleted GROUP BY "tenant_id") c WHERE t."id" = c."tenant_id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "users_count_moved"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "tenants" SET "user_count" = "user_count" - 1 WHERE "id" = OLD."tenant_id";
  UPDATE "tenants" SET "user_count" = "user_count" + 1 WHERE "id" = NEW."tenant_id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "users_count_insert" AFTER INSERT ON "users" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "users_count_inserted"();--> statement-breakpoint
CREATE TRIGGER "users_count_delete" AFTER DELETE ON "users" REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION "users_count_deleted"();--> statement-breakpoint
CREATE TRIGGER "users_count_move" AFTER UPDATE OF "tenant_id" ON "users"
  FOR EACH ROW WHEN (NEW."tenant_id" IS DISTINCT FROM OLD."tenant_id") EXECUTE FUNCTION "users_count_moved"();--> statement-breakpoint
-- Users written before this migration.
UPDATE "tenants" SET "user_count" = (SELECT count(*) FROM "users" WHERE "users"."tenant_id" = "tenants"."id");
