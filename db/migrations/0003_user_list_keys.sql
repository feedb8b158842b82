CREATE TABLE `users_to_refold` (
	`user_id` text PRIMARY KEY NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Edited after drizzle-kit generate (docs/decisions/0013): SQLite only adds a NOT NULL column
-- with a default, so new NOT NULL columns get '' here and are filled below; every insert writes
-- them (the schema has no default). Then the search index, its triggers and the user counts.
ALTER TABLE `tenants` ADD `user_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `search_tag` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Three random characters of the Supplementary Private Use Area-A, as ensureTenant makes them.
UPDATE `tenants` SET `search_tag` = char(983040 + abs(random() % 65534), 983040 + abs(random() % 65534), 983040 + abs(random() % 65534));--> statement-breakpoint
CREATE UNIQUE INDEX `tenants_search_tag_unique` ON `tenants` (`search_tag`);--> statement-breakpoint
ALTER TABLE `users` ADD `name_folded` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `unique_code_folded` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- foldText on ASCII text is lower-casing and nothing more, which lower() does exactly. Rows with
-- other characters are queued for foldText, which prepareDatabase runs right after migrating.
UPDATE `users` SET `name_folded` = lower(`name`), `unique_code_folded` = lower(`unique_code`);--> statement-breakpoint
INSERT INTO `users_to_refold` (`user_id`)
  SELECT `id` FROM `users` WHERE length(cast(`name` AS blob)) <> length(`name`) OR length(cast(`unique_code` AS blob)) <> length(`unique_code`);--> statement-breakpoint
UPDATE `tenants` SET `user_count` = (SELECT count(*) FROM `users` WHERE `users`.`tenant_id` = `tenants`.`id`);--> statement-breakpoint
CREATE INDEX `users_tenant_updated_at_idx` ON `users` (`tenant_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `users_tenant_name_folded_idx` ON `users` (`tenant_id`,`name_folded`);--> statement-breakpoint
-- ListUsers' query: a trigram index (no positions: detail=none) over the tenant's tag and the
-- three search keys, keeping beside each user, by rowid, what a query needs to recheck a
-- candidate and to sort the matches, so that no wide users row is read (docs/decisions/0013).
-- Every change of a row rewrites its trigrams (~100 µs), so it holds nothing that a status change
-- touches: the update time sort key has a narrow table of its own, users_updated_at.
CREATE VIRTUAL TABLE `users_search` USING fts5(
  `tenant_tag`, `email_normalized`, `name_folded`, `unique_code_folded`,
  `created_at` UNINDEXED, `unique_code` UNINDEXED,
  tokenize = 'trigram case_sensitive 1', detail = none
);--> statement-breakpoint
INSERT INTO `users_search` (rowid, `tenant_tag`, `email_normalized`, `name_folded`, `unique_code_folded`, `created_at`, `unique_code`)
  SELECT u.rowid, t.`search_tag`, u.`email_normalized`, u.`name_folded`, u.`unique_code_folded`, u.`created_at`, u.`unique_code`
  FROM `users` u JOIN `tenants` t ON t.`id` = u.`tenant_id`;--> statement-breakpoint
CREATE TABLE `users_updated_at` (`user_rowid` integer PRIMARY KEY NOT NULL, `updated_at` integer NOT NULL);--> statement-breakpoint
INSERT INTO `users_updated_at` (`user_rowid`, `updated_at`) SELECT rowid, `updated_at` FROM `users`;--> statement-breakpoint
CREATE TRIGGER `users_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `users_search` (rowid, `tenant_tag`, `email_normalized`, `name_folded`, `unique_code_folded`, `created_at`, `unique_code`)
    VALUES (new.rowid, (SELECT `search_tag` FROM `tenants` WHERE `id` = new.`tenant_id`), new.`email_normalized`, new.`name_folded`,
      new.`unique_code_folded`, new.`created_at`, new.`unique_code`);
  INSERT INTO `users_updated_at` (`user_rowid`, `updated_at`) VALUES (new.rowid, new.`updated_at`);
END;--> statement-breakpoint
CREATE TRIGGER `users_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `users_search` WHERE rowid = old.rowid;
  DELETE FROM `users_updated_at` WHERE `user_rowid` = old.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `users_search_update` AFTER UPDATE OF `tenant_id`, `email_normalized`, `name_folded`, `unique_code_folded`, `created_at`, `unique_code` ON `users` BEGIN
  UPDATE `users_search` SET `tenant_tag` = (SELECT `search_tag` FROM `tenants` WHERE `id` = new.`tenant_id`), `email_normalized` = new.`email_normalized`,
    `name_folded` = new.`name_folded`, `unique_code_folded` = new.`unique_code_folded`, `created_at` = new.`created_at`, `unique_code` = new.`unique_code`
  WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `users_updated_at_update` AFTER UPDATE OF `updated_at` ON `users` BEGIN
  UPDATE `users_updated_at` SET `updated_at` = new.`updated_at` WHERE `user_rowid` = old.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `users_count_insert` AFTER INSERT ON `users` BEGIN
  UPDATE `tenants` SET `user_count` = `user_count` + 1 WHERE `id` = new.`tenant_id`;
END;--> statement-breakpoint
CREATE TRIGGER `users_count_delete` AFTER DELETE ON `users` BEGIN
  UPDATE `tenants` SET `user_count` = `user_count` - 1 WHERE `id` = old.`tenant_id`;
END;--> statement-breakpoint
CREATE TRIGGER `users_count_move` AFTER UPDATE OF `tenant_id` ON `users` WHEN new.`tenant_id` IS NOT old.`tenant_id` BEGIN
  UPDATE `tenants` SET `user_count` = `user_count` - 1 WHERE `id` = old.`tenant_id`;
  UPDATE `tenants` SET `user_count` = `user_count` + 1 WHERE `id` = new.`tenant_id`;
END;
