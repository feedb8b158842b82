ALTER TABLE `leaver_preview_rows` ADD `process_order` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Edited after drizzle-kit generate: previews stored before this keep the order their confirmation
-- would have given (docs/decisions/0027).
UPDATE `leaver_preview_rows` SET `process_order` = coalesce((SELECT rowid FROM `users` WHERE `users`.`id` = `leaver_preview_rows`.`user_id`), 0);
