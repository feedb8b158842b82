ALTER TABLE "leaver_job_rows" ADD COLUMN "process_order" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Edited after drizzle-kit generate: the rows of a job still running when this runs keep the
-- order they were being taken in, and both indexes are partial, as on SQLite (the derived
-- schema carries no index conditions: db/postgres/schema.ts; docs/decisions/0027).
UPDATE "leaver_job_rows" SET "process_order" = "row_number" WHERE "outcome" IS NULL;--> statement-breakpoint
DROP INDEX "leaver_job_rows_outcome_idx";--> statement-breakpoint
CREATE INDEX "leaver_job_rows_pending_idx" ON "leaver_job_rows" USING btree ("job_id","process_order") WHERE outcome is null;--> statement-breakpoint
CREATE INDEX "leaver_job_rows_outcome_idx" ON "leaver_job_rows" USING btree ("job_id","outcome","row_number") WHERE outcome is not null;
