-- The audit log's actor filter (db/queries/audit-actors.ts): the tenant's distinct actors, skipped through one at a
-- time, and an actor's events looked up instead of testing every event of the log (0.63 s for a rare actor among
-- 895,895 events). Absent ids and names are '' so that every event has a key. Written by hand: drizzle's schema
-- derives no expression index.
CREATE INDEX `audit_events_tenant_actor_idx` ON `audit_events` (`tenant_id`, coalesce(`actor_id`, ''), coalesce(`actor_name`, ''));
