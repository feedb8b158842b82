DROP INDEX "leaver_jobs_status_idx";--> statement-breakpoint
CREATE INDEX "leaver_jobs_status_idx" ON "leaver_jobs" USING btree ("status","updated_at","id");