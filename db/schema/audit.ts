import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ACTOR_TYPES } from "../constants";
import { epochMs, json } from "./columns";
import { tenantId } from "./tenants";

/**
 * Append-only: rows are inserted, never updated or deleted. Each tenant's events form a hash chain
 * (docs/decisions/0020): an event's hash covers its content and the hash of the event before it,
 * so a row edited or deleted in the database breaks the chain from there on.
 */
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
    /** The event's place in its tenant's chain, from 1; null until chained (events older than the chain). */
    chainSeq: integer("chain_seq", { mode: "number" }),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_events_tenant_created_idx").on(t.tenantId, t.createdAt),
    index("audit_events_tenant_target_idx").on(t.tenantId, t.targetId),
    index("audit_events_tenant_action_idx").on(t.tenantId, t.action),
    uniqueIndex("audit_events_tenant_chain_unique").on(t.tenantId, t.chainSeq),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;

/** Where each tenant's chain ends: the row every append locks, so that appends take turns. */
export const auditChainHeads = sqliteTable("audit_chain_heads", {
  tenantId: tenantId().primaryKey(),
  seq: integer("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
  updatedAt: epochMs("updated_at").notNull(),
});

/** A chain position signed with the configured Ed25519 key: a rewrite of the chain up to it no longer matches. */
export const auditCheckpoints = sqliteTable(
  "audit_checkpoints",
  {
    tenantId: tenantId(),
    seq: integer("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
    keyId: text("key_id").notNull(),
    signature: text("signature").notNull(),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.seq] })],
);

export type AuditCheckpoint = typeof auditCheckpoints.$inferSelect;
