ALTER TABLE "identity_providers" ADD COLUMN "attached_identities" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "identity_providers" ADD COLUMN "keyed_identities" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Edited after drizzle-kit generate: the counts SQLite's 0018_scim_list_total keeps, with
-- statement-level triggers for inserts and deletes (one update per provider and statement, as
-- tenants.user_count in 0001) and a row-level one for the updates that attach, detach, key, unkey or
-- move an identity (transition tables cannot be combined with a column list).
CREATE FUNCTION "identities_attached_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "identity_providers" p SET "attached_identities" = p."attached_identities" + c.n, "keyed_identities" = p."keyed_identities" + c.keyed
    FROM (SELECT "identity_provider_id", "tenant_id", count(*) AS n, count("username_key") AS keyed FROM inserted
      WHERE "user_id" IS NOT NULL GROUP BY "identity_provider_id", "tenant_id") c
    WHERE p."id" = c."identity_provider_id" AND p."tenant_id" = c."tenant_id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "identities_attached_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "identity_providers" p SET "attached_identities" = p."attached_identities" - c.n, "keyed_identities" = p."keyed_identities" - c.keyed
    FROM (SELECT "identity_provider_id", "tenant_id", count(*) AS n, count("username_key") AS keyed FROM deleted
      WHERE "user_id" IS NOT NULL GROUP BY "identity_provider_id", "tenant_id") c
    WHERE p."id" = c."identity_provider_id" AND p."tenant_id" = c."tenant_id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "identities_attached_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."user_id" IS NOT NULL THEN
    UPDATE "identity_providers" SET "attached_identities" = "attached_identities" - 1,
        "keyed_identities" = "keyed_identities" - (OLD."username_key" IS NOT NULL)::int
      WHERE "id" = OLD."identity_provider_id" AND "tenant_id" = OLD."tenant_id";
  END IF;
  IF NEW."user_id" IS NOT NULL THEN
    UPDATE "identity_providers" SET "attached_identities" = "attached_identities" + 1,
        "keyed_identities" = "keyed_identities" + (NEW."username_key" IS NOT NULL)::int
      WHERE "id" = NEW."identity_provider_id" AND "tenant_id" = NEW."tenant_id";
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "identities_attached_insert" AFTER INSERT ON "identities" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "identities_attached_inserted"();--> statement-breakpoint
CREATE TRIGGER "identities_attached_delete" AFTER DELETE ON "identities" REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION "identities_attached_deleted"();--> statement-breakpoint
CREATE TRIGGER "identities_attached_update" AFTER UPDATE OF "user_id", "username_key", "identity_provider_id", "tenant_id" ON "identities"
  FOR EACH ROW WHEN ((OLD."user_id" IS NULL) <> (NEW."user_id" IS NULL) OR (OLD."username_key" IS NULL) <> (NEW."username_key" IS NULL)
    OR OLD."identity_provider_id" IS DISTINCT FROM NEW."identity_provider_id" OR OLD."tenant_id" IS DISTINCT FROM NEW."tenant_id")
  EXECUTE FUNCTION "identities_attached_changed"();--> statement-breakpoint
-- Identities written before this migration.
UPDATE "identity_providers" p SET
  "attached_identities" = (SELECT count(*) FROM "identities" i
    WHERE i."identity_provider_id" = p."id" AND i."tenant_id" = p."tenant_id" AND i."user_id" IS NOT NULL),
  "keyed_identities" = (SELECT count(i."username_key") FROM "identities" i
    WHERE i."identity_provider_id" = p."id" AND i."tenant_id" = p."tenant_id" AND i."user_id" IS NOT NULL);
