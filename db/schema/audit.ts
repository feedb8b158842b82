import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { ACTOR_TYPES } from "../constants";
import { epochMs, json } from "./columns";
import { tenantId } from "./tenants";

/** Append-only: rows are inserted, never updated or deleted. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: text("actor_id"),
    actorName: text("actor_name"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    outcome: text("outcome").notNull(),
    requestId: text("request_id"),
    details: json<Record<string, unknown>>("details"),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [
    index("audit_events_tenant_created_idx").on(t.tenantId, t.createdAt),
    index("audit_events_tenant_target_idx").on(t.tenantId, t.targetId),
    index("audit_events_tenant_action_idx").on(t.tenantId, t.action),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
