import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ACTOR_TYPES, LEAVER_APPROVAL_DECISIONS, THRESHOLD_REQUEST_DECISIONS } from "../constants";
import { epochMs, timestamps } from "./columns";
import { leaverJobs } from "./leavers";
import { tenantId } from "./tenants";

// Four-eyes approval of bulk leaver jobs (docs/decisions/0025): one row per job that had to wait
// for a second admin. Its own table rather than columns on leaver_jobs: most jobs never need one,
// and the job row the worker reads and rewrites every batch stays as it was.

export type LeaverApprovalDecision = (typeof LEAVER_APPROVAL_DECISIONS)[number];

export const leaverJobApprovals = sqliteTable(
  "leaver_job_approvals",
  {
    jobId: text("job_id")
      .primaryKey()
      .references(() => leaverJobs.id, { onDelete: "cascade" }),
    tenantId: tenantId(),
    // The creator's admin account (the job's actor may be one of their tokens): never its approver.
    requestedByAdminId: text("requested_by_admin_id"),
    // The tenant's threshold when the job was confirmed, and the rows it was measured against.
    threshold: integer("threshold").notNull(),
    countedRows: integer("counted_rows").notNull(),
    // The creator's other rows of the same kind in the 24 hours before, that ran or will run without
    // a second admin: counted with the job's own, so that one admin cannot split a file to stay under it.
    recentRows: integer("recent_rows").notNull().default(0),
    requestedAt: epochMs("requested_at").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    decision: text("decision", { enum: LEAVER_APPROVAL_DECISIONS }),
    decidedByType: text("decided_by_type", { enum: ACTOR_TYPES }),
    decidedByAdminId: text("decided_by_admin_id"),
    decidedByName: text("decided_by_name"),
    decidedAt: epochMs("decided_at"),
    note: text("note"),
    ...timestamps,
  },
  (t) => [index("leaver_job_approvals_open_idx").on(t.decision, t.expiresAt), index("leaver_job_approvals_tenant_idx").on(t.tenantId)],
);

export type LeaverJobApproval = typeof leaverJobApprovals.$inferSelect;

/**
 * A request to loosen the tenant's threshold (raise it, or turn it off), waiting for another admin
 * (docs/decisions/0025): otherwise the admin the threshold is meant to check could switch it off
 * alone. At most one is open per tenant (the partial unique index); a newer change closes it.
 */
export const approvalThresholdRequests = sqliteTable(
  "approval_threshold_requests",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    // The threshold asked for (null: off) and the one it would replace.
    threshold: integer("threshold"),
    fromThreshold: integer("from_threshold"),
    requestedByAdminId: text("requested_by_admin_id").notNull(),
    requestedByName: text("requested_by_name").notNull(),
    requestedAt: epochMs("requested_at").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    decision: text("decision", { enum: THRESHOLD_REQUEST_DECISIONS }),
    decidedByAdminId: text("decided_by_admin_id"),
    decidedByName: text("decided_by_name"),
    decidedAt: epochMs("decided_at"),
    note: text("note"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("approval_threshold_requests_open_unique")
      .on(t.tenantId)
      .where(sql`decision is null`),
  ],
);

export type ApprovalThresholdRequest = typeof approvalThresholdRequests.$inferSelect;
