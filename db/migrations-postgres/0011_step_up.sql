ALTER TABLE "oidc_logins" ADD COLUMN "step_up_session_id" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "authenticated_at" bigint;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "auth_method" text;