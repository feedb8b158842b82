CREATE TABLE `approval_threshold_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`threshold` integer,
	`from_threshold` integer,
	`requested_by_admin_id` text NOT NULL,
	`requested_by_name` text NOT NULL,
	`requested_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`decision` text,
	`decided_by_admin_id` text,
	`decided_by_name` text,
	`decided_at` integer,
	`note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `approval_threshold_requests_open_unique` ON `approval_threshold_requests` (`tenant_id`) WHERE decision is null;