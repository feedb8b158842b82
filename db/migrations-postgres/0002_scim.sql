CREATE TABLE "scim_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"identity_provider_id" text NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_by" jsonb,
	"revoked_at" bigint,
	"last_used_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "username_key" text;--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "scim_attributes" jsonb;--> statement-breakpoint
ALTER TABLE "scim_tokens" ADD CONSTRAINT "scim_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_tokens" ADD CONSTRAINT "scim_tokens_identity_provider_id_identity_providers_id_fk" FOREIGN KEY ("identity_provider_id") REFERENCES "public"."identity_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scim_tokens_tenant_idx" ON "scim_tokens" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "scim_tokens_provider_idx" ON "scim_tokens" USING btree ("identity_provider_id");--> statement-breakpoint
CREATE UNIQUE INDEX "identities_provider_username_unique" ON "identities" USING btree ("identity_provider_id","username_key");--> statement-breakpoint
-- Written by hand (as 0001): SCIM's `sw` filters on userName, externalId and emails are ranges in
-- code point order (SQLite's BINARY), which PostgreSQL reads off an index only where the index is
-- in the "C" collation. The username key is read by SCIM alone, so its unique index becomes that
-- index (uniqueness is byte equality under any deterministic collation); the other two keys keep
-- the indexes their equality lookups use and get a "C" one beside it.
DROP INDEX "identities_provider_username_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "identities_provider_username_unique" ON "identities" ("identity_provider_id", "username_key" COLLATE "C");--> statement-breakpoint
CREATE INDEX "identities_provider_external_c_idx" ON "identities" ("identity_provider_id", "external_id" COLLATE "C");--> statement-breakpoint
CREATE INDEX "user_emails_tenant_email_c_idx" ON "user_emails" ("tenant_id", "email_normalized" COLLATE "C");
