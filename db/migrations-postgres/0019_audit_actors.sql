-- The audit log's actor filter: see db/migrations/0020_audit_actors.sql.
CREATE INDEX "audit_events_tenant_actor_idx" ON "audit_events" ("tenant_id", (coalesce("actor_id", '')), (coalesce("actor_name", '')));
