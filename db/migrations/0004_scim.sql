CREATE TABLE `scim_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`identity_provider_id` text NOT NULL,
	`name` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_by` text,
	`revoked_at` integer,
	`last_used_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`identity_provider_id`) REFERENCES `identity_providers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scim_tokens_tenant_idx` ON `scim_tokens` (`tenant_id`);--> statement-breakpoint
CREATE INDEX `scim_tokens_provider_idx` ON `scim_tokens` (`identity_provider_id`);--> statement-breakpoint
ALTER TABLE `identities` ADD `username_key` text;--> statement-breakpoint
ALTER TABLE `identities` ADD `scim_attributes` text;--> statement-breakpoint
CREATE UNIQUE INDEX `identities_provider_username_unique` ON `identities` (`identity_provider_id`,`username_key`);