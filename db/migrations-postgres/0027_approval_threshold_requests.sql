CREATE TABLE "approval_threshold_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"threshold" bigint,
	"from_threshold" bigint,
	"requested_by_admin_id" text NOT NULL,
	"requested_by_name" text NOT NULL,
	"requested_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"decision" text,
	"decided_by_admin_id" text,
	"decided_by_name" text,
	"decided_at" bigint,
	"note" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "approval_threshold_requests" ADD CONSTRAINT "approval_threshold_requests_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Edited after drizzle-kit generate: partial, as on SQLite (one open request per tenant; the derived
-- schema carries no index conditions: db/postgres/schema.ts, as in 0015).
CREATE UNIQUE INDEX "approval_threshold_requests_open_unique" ON "approval_threshold_requests" USING btree ("tenant_id") WHERE decision is null;