CREATE TABLE `users_to_refold` (
	`user_id` text PRIMARY KEY NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `tenants` ADD `user_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Edited after drizzle-kit generate (docs/decisions/0010): SQLite only adds a NOT NULL column
-- with a default, so the two keys get '' here; every insert writes them (the schema has no default).
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
-- ListUsers' query: a trigram index over the three search keys. It stores no text of its own
-- (content is read from users, by rowid) and no positions (detail=none), so a candidate is
-- rechecked against the keys; see docs/decisions/0010.
CREATE VIRTUAL TABLE `users_search` USING fts5(
  `email_normalized`, `name_folded`, `unique_code_folded`,
  content = 'users', tokenize = 'trigram case_sensitive 1', detail = none
);--> statement-breakpoint
INSERT INTO `users_search` (`users_search`) VALUES ('rebuild');--> statement-breakpoint
CREATE TRIGGER `users_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `users_search` (rowid, `email_normalized`, `name_folded`, `unique_code_folded`)
    VALUES (new.rowid, new.`email_normalized`, new.`name_folded`, new.`unique_code_folded`);
END;--> statement-breakpoint
CREATE TRIGGER `users_search_delete` AFTER DELETE ON `users` BEGIN
  INSERT INTO `users_search` (`users_search`, rowid, `email_normalized`, `name_folded`, `unique_code_folded`)
    VALUES ('delete', old.rowid, old.`email_normalized`, old.`name_folded`, old.`unique_code_folded`);
END;--> statement-breakpoint
CREATE TRIGGER `users_search_update` AFTER UPDATE OF `email_normalized`, `name_folded`, `unique_code_folded` ON `users` BEGIN
  INSERT INTO `users_search` (`users_search`, rowid, `email_normalized`, `name_folded`, `unique_code_folded`)
    VALUES ('delete', old.rowid, old.`email_normalized`, old.`name_folded`, old.`unique_code_folded`);
  INSERT INTO `users_search` (rowid, `email_normalized`, `name_folded`, `unique_code_folded`)
    VALUES (new.rowid, new.`email_normalized`, new.`name_folded`, new.`unique_code_folded`);
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
