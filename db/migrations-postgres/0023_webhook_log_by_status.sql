-- As SQLite's 0024: the delivery log's pages and an endpoint's counts by status, each an index range.
DROP INDEX "webhook_deliveries_endpoint_created_idx";--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_status_created_idx" ON "webhook_deliveries" USING btree ("endpoint_id","status","created_at","id");