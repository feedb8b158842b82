DROP INDEX `leaver_jobs_status_idx`;--> statement-breakpoint
CREATE INDEX `leaver_jobs_status_idx` ON `leaver_jobs` (`status`,`updated_at`,`id`);