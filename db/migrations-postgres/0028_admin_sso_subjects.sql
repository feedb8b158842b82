CREATE TABLE "admin_sso_subjects" (
	"admin_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"issuer" text NOT NULL,
	"subject" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admin_sso_subjects" ADD CONSTRAINT "admin_sso_subjects_admin_id_admins_id_fk" FOREIGN KEY ("admin_id") REFERENCES "public"."admins"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_sso_subjects" ADD CONSTRAINT "admin_sso_subjects_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "admin_sso_subjects_account_unique" ON "admin_sso_subjects" USING btree ("tenant_id","issuer","subject");