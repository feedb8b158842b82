CREATE TABLE `scheduled_deactivations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`live_user_id` text,
	`effective_at` integer NOT NULL,
	`source` text NOT NULL,
	`job_id` text,
	`row_number` integer,
	`actor_type` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_name` text NOT NULL,
	`actor_user_id` text NOT NULL,
	`request_id` text,
	`reason` text,
	`ticket` text,
	`status` text NOT NULL,
	`outcome` text,
	`finished_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scheduled_deactivations_due_idx` ON `scheduled_deactivations` (`status`,`effective_at`);--> statement-breakpoint
CREATE INDEX `scheduled_deactivations_tenant_idx` ON `scheduled_deactivations` (`tenant_id`,`status`,`effective_at`,`id`);--> statement-breakpoint
CREATE INDEX `scheduled_deactivations_user_idx` ON `scheduled_deactivations` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `scheduled_deactivations_job_idx` ON `scheduled_deactivations` (`job_id`,`row_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `scheduled_deactivations_live_user_unique` ON `scheduled_deactivations` (`live_user_id`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `time_zone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `leaver_job_rows` ADD `effective_at` integer;--> statement-breakpoint
ALTER TABLE `leaver_preview_rows` ADD `effective_at` integer;--> statement-breakpoint
ALTER TABLE `leaver_preview_rows` ADD `effective_at_text` text;