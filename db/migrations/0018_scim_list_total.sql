ALTER TABLE `identity_providers` ADD `attached_identities` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `identity_providers` ADD `keyed_identities` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Edited after drizzle-kit generate: a provider's identities in its tenant that are attached to a
-- user (an unfiltered SCIM list's total) and how many of them have a userName key, kept by triggers
-- as tenants.user_count is, so that the list neither counts a million index entries per page nor
-- steps over rows to reach a deep one (db/queries/scim-users.ts). Updates that neither attach,
-- detach, key, unkey nor move an identity (a sync, a change of attributes) leave them be.
CREATE TRIGGER `identities_attached_insert` AFTER INSERT ON `identities` WHEN new.`user_id` IS NOT NULL BEGIN
  UPDATE `identity_providers` SET `attached_identities` = `attached_identities` + 1,
      `keyed_identities` = `keyed_identities` + (new.`username_key` IS NOT NULL)
    WHERE `id` = new.`identity_provider_id` AND `tenant_id` = new.`tenant_id`;
END;--> statement-breakpoint
CREATE TRIGGER `identities_attached_delete` AFTER DELETE ON `identities` WHEN old.`user_id` IS NOT NULL BEGIN
  UPDATE `identity_providers` SET `attached_identities` = `attached_identities` - 1,
      `keyed_identities` = `keyed_identities` - (old.`username_key` IS NOT NULL)
    WHERE `id` = old.`identity_provider_id` AND `tenant_id` = old.`tenant_id`;
END;--> statement-breakpoint
CREATE TRIGGER `identities_attached_update` AFTER UPDATE OF `user_id`, `username_key`, `identity_provider_id`, `tenant_id` ON `identities`
  WHEN (old.`user_id` IS NULL) <> (new.`user_id` IS NULL) OR (old.`username_key` IS NULL) <> (new.`username_key` IS NULL)
    OR old.`identity_provider_id` IS NOT new.`identity_provider_id` OR old.`tenant_id` IS NOT new.`tenant_id` BEGIN
  UPDATE `identity_providers` SET `attached_identities` = `attached_identities` - 1,
      `keyed_identities` = `keyed_identities` - (old.`username_key` IS NOT NULL)
    WHERE old.`user_id` IS NOT NULL AND `id` = old.`identity_provider_id` AND `tenant_id` = old.`tenant_id`;
  UPDATE `identity_providers` SET `attached_identities` = `attached_identities` + 1,
      `keyed_identities` = `keyed_identities` + (new.`username_key` IS NOT NULL)
    WHERE new.`user_id` IS NOT NULL AND `id` = new.`identity_provider_id` AND `tenant_id` = new.`tenant_id`;
END;--> statement-breakpoint
-- Identities written before this migration.
UPDATE `identity_providers` SET
  `attached_identities` = (SELECT count(*) FROM `identities` i
    WHERE i.`identity_provider_id` = `identity_providers`.`id` AND i.`tenant_id` = `identity_providers`.`tenant_id` AND i.`user_id` IS NOT NULL),
  `keyed_identities` = (SELECT count(*) FROM `identities` i
    WHERE i.`identity_provider_id` = `identity_providers`.`id` AND i.`tenant_id` = `identity_providers`.`tenant_id` AND i.`user_id` IS NOT NULL
      AND i.`username_key` IS NOT NULL);
