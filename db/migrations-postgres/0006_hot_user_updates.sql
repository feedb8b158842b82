-- Written by hand (drizzle-kit generate --custom): a deactivation changes no indexed column of
-- "users" but updated_at, and an index on updated_at made every update of a user write a new
-- entry in each of the table's indexes (the GIN trigram index among them): 90,000 deactivations
-- took 40 s. The update-time order now lives in a narrow table of its own, as on SQLite
-- (users_updated_at, docs/decisions/0013), and the users' pages keep room for new row versions,
-- so that a status change is a heap-only (HOT) update that touches no index of "users".
CREATE TABLE "users_updated_at" (
  "user_id" text PRIMARY KEY NOT NULL,
  "tenant_id" text NOT NULL,
  "updated_at" bigint NOT NULL
);--> statement-breakpoint
INSERT INTO "users_updated_at" ("user_id", "tenant_id", "updated_at") SELECT "id", "tenant_id", "updated_at" FROM "users";--> statement-breakpoint
CREATE INDEX "users_updated_at_order_idx" ON "users_updated_at" ("tenant_id", "updated_at", "user_id" COLLATE "C");--> statement-breakpoint
DROP INDEX "users_tenant_updated_at_id_idx";--> statement-breakpoint
-- 15% of each page free for the next versions of its rows (pages written from now on).
ALTER TABLE "users" SET (fillfactor = 85);--> statement-breakpoint
-- Statement-level triggers with transition tables: a leaver batch's update of hundreds of users
-- costs one join, not a trigger call per user. (A transition table cannot be combined with a
-- column list, so the update trigger sees every update of users and copies only what moved.)
CREATE FUNCTION "users_updated_at_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "users_updated_at" ("user_id", "tenant_id", "updated_at") SELECT "id", "tenant_id", "updated_at" FROM inserted;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "users_updated_at_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "users_updated_at" a SET "updated_at" = c."updated_at", "tenant_id" = c."tenant_id" FROM changed c
    WHERE a."user_id" = c."id" AND (a."updated_at", a."tenant_id") IS DISTINCT FROM (c."updated_at", c."tenant_id");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "users_updated_at_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "users_updated_at" a USING deleted d WHERE a."user_id" = d."id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "users_updated_at_insert" AFTER INSERT ON "users" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "users_updated_at_inserted"();--> statement-breakpoint
CREATE TRIGGER "users_updated_at_update" AFTER UPDATE ON "users" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION "users_updated_at_updated"();--> statement-breakpoint
CREATE TRIGGER "users_updated_at_delete" AFTER DELETE ON "users" REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION "users_updated_at_deleted"();;--> statement-breakpoint
-- Every audit event wrote an entry in two indexes of (tenant_id, action): the one in code point
-- order (0001) serves the log's equality filter as well as its prefix ranges (db/queries/audit-log.ts).
DROP INDEX "audit_events_tenant_action_idx";
