CREATE TABLE `leaver_job_rows` (
	`job_id` text NOT NULL,
	`row_number` integer NOT NULL,
	`email` text NOT NULL,
	`reason` text,
	`ticket` text,
	`class` text NOT NULL,
	`user_id` text,
	`outcome` text,
	`outcome_reason` text,
	`processed_at` integer,
	PRIMARY KEY(`job_id`, `row_number`),
	FOREIGN KEY (`job_id`) REFERENCES `leaver_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `leaver_job_rows_outcome_idx` ON `leaver_job_rows` (`job_id`,`outcome`,`row_number`);--> statement-breakpoint
CREATE TABLE `leaver_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`preview_id` text,
	`undo_of_job_id` text,
	`undone_by_job_id` text,
	`file_sha256` text,
	`actor_type` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_name` text NOT NULL,
	`actor_user_id` text NOT NULL,
	`request_id` text,
	`total_rows` integer NOT NULL,
	`processed_rows` integer DEFAULT 0 NOT NULL,
	`outcome_counts` text DEFAULT '{}' NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`preview_id`) REFERENCES `leaver_previews`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `leaver_jobs_status_idx` ON `leaver_jobs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `leaver_jobs_tenant_sha_idx` ON `leaver_jobs` (`tenant_id`,`file_sha256`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `leaver_jobs_preview_unique` ON `leaver_jobs` (`preview_id`);--> statement-breakpoint
CREATE TABLE `leaver_preview_rows` (
	`preview_id` text NOT NULL,
	`row_number` integer NOT NULL,
	`email` text NOT NULL,
	`reason` text,
	`ticket` text,
	`class` text NOT NULL,
	`user_id` text,
	`duplicate_of` integer,
	PRIMARY KEY(`preview_id`, `row_number`),
	FOREIGN KEY (`preview_id`) REFERENCES `leaver_previews`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `leaver_preview_rows_class_idx` ON `leaver_preview_rows` (`preview_id`,`class`,`row_number`);--> statement-breakpoint
CREATE TABLE `leaver_previews` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_name` text NOT NULL,
	`actor_user_id` text NOT NULL,
	`file_name` text,
	`file_sha256` text NOT NULL,
	`total_rows` integer NOT NULL,
	`counts` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `leaver_previews_tenant_created_idx` ON `leaver_previews` (`tenant_id`,`created_at`);