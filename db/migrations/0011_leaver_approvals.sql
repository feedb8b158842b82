CREATE TABLE `leaver_job_approvals` (
	`job_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`requested_by_admin_id` text,
	`threshold` integer NOT NULL,
	`counted_rows` integer NOT NULL,
	`requested_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`decision` text,
	`decided_by_type` text,
	`decided_by_admin_id` text,
	`decided_by_name` text,
	`decided_at` integer,
	`note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `leaver_jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `leaver_job_approvals_open_idx` ON `leaver_job_approvals` (`decision`,`expires_at`);--> statement-breakpoint
CREATE INDEX `leaver_job_approvals_tenant_idx` ON `leaver_job_approvals` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `approval_threshold` integer DEFAULT 100;