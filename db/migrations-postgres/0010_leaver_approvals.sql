CREATE TABLE "leaver_job_approvals" (
	"job_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"requested_by_admin_id" text,
	"threshold" bigint NOT NULL,
	"counted_rows" bigint NOT NULL,
	"requested_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"decision" text,
	"decided_by_type" text,
	"decided_by_admin_id" text,
	"decided_by_name" text,
	"decided_at" bigint,
	"note" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "approval_threshold" bigint DEFAULT 100;--> statement-breakpoint
ALTER TABLE "leaver_job_approvals" ADD CONSTRAINT "leaver_job_approvals_job_id_leaver_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."leaver_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaver_job_approvals" ADD CONSTRAINT "leaver_job_approvals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leaver_job_approvals_open_idx" ON "leaver_job_approvals" USING btree ("decision","expires_at");--> statement-breakpoint
CREATE INDEX "leaver_job_approvals_tenant_idx" ON "leaver_job_approvals" USING btree ("tenant_id");