CREATE TABLE "scheduled_deactivations" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"live_user_id" text,
	"effective_at" bigint NOT NULL,
	"source" text NOT NULL,
	"job_id" text,
	"row_number" bigint,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"actor_user_id" text NOT NULL,
	"request_id" text,
	"reason" text,
	"ticket" text,
	"status" text NOT NULL,
	"outcome" text,
	"finished_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "leaver_job_rows" ADD COLUMN "effective_at" bigint;--> statement-breakpoint
ALTER TABLE "leaver_preview_rows" ADD COLUMN "effective_at" bigint;--> statement-breakpoint
ALTER TABLE "leaver_preview_rows" ADD COLUMN "effective_at_text" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "scheduled_deactivations" ADD CONSTRAINT "scheduled_deactivations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scheduled_deactivations_due_idx" ON "scheduled_deactivations" USING btree ("status","effective_at");--> statement-breakpoint
CREATE INDEX "scheduled_deactivations_tenant_idx" ON "scheduled_deactivations" USING btree ("tenant_id","status","effective_at","id");--> statement-breakpoint
CREATE INDEX "scheduled_deactivations_user_idx" ON "scheduled_deactivations" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "scheduled_deactivations_job_idx" ON "scheduled_deactivations" USING btree ("job_id","row_number");--> statement-breakpoint
CREATE UNIQUE INDEX "scheduled_deactivations_live_user_unique" ON "scheduled_deactivations" USING btree ("live_user_id");