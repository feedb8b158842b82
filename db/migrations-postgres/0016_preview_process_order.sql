ALTER TABLE "leaver_preview_rows" ADD COLUMN "process_order" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Edited after drizzle-kit generate: previews stored before this keep the order their confirmation
-- would have given (docs/decisions/0027).
UPDATE "leaver_preview_rows" SET "process_order" = "row_number";
