-- A page of one status walked the endpoint's whole log when the status was rare, or fetched and sorted
-- every delivery of it when common (18 ms and 86-114 ms at 50,000 deliveries): with the status in the key,
-- every page, and an endpoint's counts per status, is an index range (db/queries/webhook-delivery-log.ts).
DROP INDEX `webhook_deliveries_endpoint_created_idx`;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint_status_created_idx` ON `webhook_deliveries` (`endpoint_id`,`status`,`created_at`,`id`);