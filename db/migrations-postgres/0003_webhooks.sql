CREATE TABLE "webhook_attempts" (
	"delivery_id" bigint NOT NULL,
	"attempt" bigint NOT NULL,
	"attempted_at" bigint NOT NULL,
	"status_code" bigint,
	"error" text,
	"latency_ms" bigint NOT NULL,
	CONSTRAINT "webhook_attempts_delivery_id_attempt_pk" PRIMARY KEY("delivery_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigint PRIMARY KEY NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_sequence" bigint NOT NULL,
	"user_id" text,
	"status" text NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"lease_until" bigint,
	"leased_by" text,
	"last_status_code" bigint,
	"last_error" text,
	"last_latency_ms" bigint,
	"delivered_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"events" jsonb,
	"secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_at" bigint,
	"disabled_reason" text,
	"failing_since" bigint,
	"created_by" jsonb,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"sequence" bigint PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"type" text NOT NULL,
	"user_id" text,
	"payload" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_relay" (
	"id" bigint PRIMARY KEY NOT NULL,
	"audit_position" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_created_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_order_idx" ON "webhook_deliveries" USING btree ("endpoint_id","user_id","status","event_sequence");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_tenant_idx" ON "webhook_endpoints" USING btree ("tenant_id","enabled");--> statement-breakpoint
-- Written by hand (as 0001): SQLite numbers these rows itself (an INTEGER PRIMARY KEY is the rowid);
-- the derived schema has no such type, so PostgreSQL gets identities. An event's sequence orders a
-- user's events for each endpoint; ALWAYS, so that no insert can put a number out of turn.
ALTER TABLE "webhook_events" ALTER COLUMN "sequence" ADD GENERATED ALWAYS AS IDENTITY;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;
