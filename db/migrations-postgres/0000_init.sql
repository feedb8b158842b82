CREATE TABLE "admins" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"outcome" text NOT NULL,
	"request_id" text,
	"details" jsonb,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "health_checks" (
	"id" bigint PRIMARY KEY NOT NULL,
	"checked_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text,
	"identity_provider_id" text NOT NULL,
	"external_id" text NOT NULL,
	"external_username" text,
	"external_email" text,
	"external_display_name" text,
	"linked_by" text NOT NULL,
	"last_synced_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_providers" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leaver_job_rows" (
	"job_id" text NOT NULL,
	"row_number" bigint NOT NULL,
	"email" text NOT NULL,
	"reason" text,
	"ticket" text,
	"class" text NOT NULL,
	"user_id" text,
	"outcome" text,
	"outcome_reason" text,
	"processed_at" bigint,
	CONSTRAINT "leaver_job_rows_job_id_row_number_pk" PRIMARY KEY("job_id","row_number")
);
--> statement-breakpoint
CREATE TABLE "leaver_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"preview_id" text,
	"undo_of_job_id" text,
	"undone_by_job_id" text,
	"file_sha256" text,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"actor_user_id" text NOT NULL,
	"request_id" text,
	"total_rows" bigint NOT NULL,
	"processed_rows" bigint DEFAULT 0 NOT NULL,
	"outcome_counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" bigint,
	"finished_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leaver_preview_rows" (
	"preview_id" text NOT NULL,
	"row_number" bigint NOT NULL,
	"email" text NOT NULL,
	"reason" text,
	"ticket" text,
	"class" text NOT NULL,
	"user_id" text,
	"duplicate_of" bigint,
	CONSTRAINT "leaver_preview_rows_preview_id_row_number_pk" PRIMARY KEY("preview_id","row_number")
);
--> statement-breakpoint
CREATE TABLE "leaver_previews" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"actor_user_id" text NOT NULL,
	"file_name" text,
	"file_sha256" text NOT NULL,
	"total_rows" bigint NOT NULL,
	"counts" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "personal_access_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"admin_id" text NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"scopes" jsonb NOT NULL,
	"expires_at" bigint,
	"revoked_at" bigint,
	"last_used_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" bigint NOT NULL,
	"expire" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"admin_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"csrf_token" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"revoked_at" bigint,
	"last_seen_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"user_count" bigint DEFAULT 0 NOT NULL,
	"search_tag" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_emails" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"email" text NOT NULL,
	"email_normalized" text NOT NULL,
	"label" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_mobiles" (
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"country_code" text NOT NULL,
	"number" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "user_mobiles_user_id_kind_pk" PRIMARY KEY("user_id","kind")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"email" text NOT NULL,
	"email_normalized" text NOT NULL,
	"name" text NOT NULL,
	"name_folded" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"state" text NOT NULL,
	"unique_code" text NOT NULL,
	"unique_code_folded" text NOT NULL,
	"user_code" text,
	"aaa_id" text,
	"participant_type" text DEFAULT 'users' NOT NULL,
	"category" text,
	"sub_category" text,
	"template_id" text,
	"properties" jsonb NOT NULL,
	"created_by" jsonb,
	"updated_by" jsonb,
	"deactivated_at" bigint,
	"deactivated_by" jsonb,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users_to_refold" (
	"user_id" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admins" ADD CONSTRAINT "admins_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admins" ADD CONSTRAINT "admins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_identity_provider_id_identity_providers_id_fk" FOREIGN KEY ("identity_provider_id") REFERENCES "public"."identity_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_providers" ADD CONSTRAINT "identity_providers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaver_job_rows" ADD CONSTRAINT "leaver_job_rows_job_id_leaver_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."leaver_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaver_jobs" ADD CONSTRAINT "leaver_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaver_jobs" ADD CONSTRAINT "leaver_jobs_preview_id_leaver_previews_id_fk" FOREIGN KEY ("preview_id") REFERENCES "public"."leaver_previews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaver_preview_rows" ADD CONSTRAINT "leaver_preview_rows_preview_id_leaver_previews_id_fk" FOREIGN KEY ("preview_id") REFERENCES "public"."leaver_previews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaver_previews" ADD CONSTRAINT "leaver_previews_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personal_access_tokens" ADD CONSTRAINT "personal_access_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personal_access_tokens" ADD CONSTRAINT "personal_access_tokens_admin_id_admins_id_fk" FOREIGN KEY ("admin_id") REFERENCES "public"."admins"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_admin_id_admins_id_fk" FOREIGN KEY ("admin_id") REFERENCES "public"."admins"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_emails" ADD CONSTRAINT "user_emails_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_emails" ADD CONSTRAINT "user_emails_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_mobiles" ADD CONSTRAINT "user_mobiles_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_mobiles" ADD CONSTRAINT "user_mobiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users_to_refold" ADD CONSTRAINT "users_to_refold_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "admins_user_unique" ON "admins" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "admins_tenant_idx" ON "admins" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "audit_events_tenant_created_idx" ON "audit_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_tenant_target_idx" ON "audit_events" USING btree ("tenant_id","target_id");--> statement-breakpoint
CREATE INDEX "audit_events_tenant_action_idx" ON "audit_events" USING btree ("tenant_id","action");--> statement-breakpoint
CREATE INDEX "identities_user_idx" ON "identities" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "identities_provider_external_unique" ON "identities" USING btree ("identity_provider_id","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "identity_providers_tenant_name_unique" ON "identity_providers" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "leaver_job_rows_outcome_idx" ON "leaver_job_rows" USING btree ("job_id","outcome","row_number");--> statement-breakpoint
CREATE INDEX "leaver_jobs_status_idx" ON "leaver_jobs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "leaver_jobs_tenant_sha_idx" ON "leaver_jobs" USING btree ("tenant_id","file_sha256","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "leaver_jobs_preview_unique" ON "leaver_jobs" USING btree ("preview_id");--> statement-breakpoint
CREATE INDEX "leaver_preview_rows_class_idx" ON "leaver_preview_rows" USING btree ("preview_id","class","row_number");--> statement-breakpoint
CREATE INDEX "leaver_previews_tenant_created_idx" ON "leaver_previews" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "personal_access_tokens_admin_idx" ON "personal_access_tokens" USING btree ("admin_id");--> statement-breakpoint
CREATE INDEX "personal_access_tokens_tenant_idx" ON "personal_access_tokens" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "rate_limits_expire_idx" ON "rate_limits" USING btree ("expire");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_token_hash_unique" ON "sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "sessions_admin_idx" ON "sessions" USING btree ("admin_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_name_unique" ON "tenants" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_search_tag_unique" ON "tenants" USING btree ("search_tag");--> statement-breakpoint
CREATE INDEX "user_emails_user_idx" ON "user_emails" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "user_emails_tenant_email_idx" ON "user_emails" USING btree ("tenant_id","email_normalized");--> statement-breakpoint
CREATE UNIQUE INDEX "users_tenant_email_unique" ON "users" USING btree ("tenant_id","email_normalized");--> statement-breakpoint
CREATE UNIQUE INDEX "users_tenant_unique_code_unique" ON "users" USING btree ("tenant_id","unique_code");--> statement-breakpoint
CREATE INDEX "users_tenant_user_code_idx" ON "users" USING btree ("tenant_id","user_code");--> statement-breakpoint
CREATE INDEX "users_tenant_aaa_id_idx" ON "users" USING btree ("tenant_id","aaa_id");--> statement-breakpoint
CREATE INDEX "users_tenant_created_at_idx" ON "users" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "users_tenant_updated_at_idx" ON "users" USING btree ("tenant_id","updated_at");--> statement-breakpoint
CREATE INDEX "users_tenant_name_folded_idx" ON "users" USING btree ("tenant_id","name_folded");