import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ACTOR_TYPES, SCHEDULE_SOURCES, SCHEDULE_STATUSES } from "../constants";
import { epochMs, timestamps } from "./columns";
import { tenantId } from "./tenants";

// Deactivations that take effect later (issue 12, part 1; docs/decisions/0024).

export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];
export type ScheduleSource = (typeof SCHEDULE_SOURCES)[number];

/** A user's deactivation due at `effectiveAt`, run by the executor in server/start.ts exactly once. */
export const scheduledDeactivations = sqliteTable(
  "scheduled_deactivations",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    // No foreign key: a user deleted meanwhile makes the schedule's outcome, not a failed delete.
    userId: text("user_id").notNull(),
    // The user's id while the schedule is live, null once it is final: the unique index keeps one
    // live schedule per user on both databases without a partial index (NULLs never collide).
    liveUserId: text("live_user_id"),
    effectiveAt: epochMs("effective_at").notNull(),
    source: text("source", { enum: SCHEDULE_SOURCES }).notNull(),
    jobId: text("job_id"),
    rowNumber: integer("row_number"),
    // Who scheduled it: the executed deactivation is theirs, as a job's deactivations are its admin's.
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name").notNull(),
    actorUserId: text("actor_user_id").notNull(),
    requestId: text("request_id"),
    reason: text("reason"),
    ticket: text("ticket"),
    status: text("status", { enum: SCHEDULE_STATUSES }).notNull(),
    // Why it ended as it did (cancelled by whom, already inactive, the user gone, an error).
    outcome: text("outcome"),
    finishedAt: epochMs("finished_at"),
    ...timestamps,
  },
  (t) => [
    // The executor's "due" walk and the Scheduled view's keyset pages (tenant, effective_at, id).
    index("scheduled_deactivations_due_idx").on(t.status, t.effectiveAt),
    index("scheduled_deactivations_tenant_idx").on(t.tenantId, t.status, t.effectiveAt, t.id),
    index("scheduled_deactivations_user_idx").on(t.userId, t.createdAt),
    index("scheduled_deactivations_job_idx").on(t.jobId, t.rowNumber),
    uniqueIndex("scheduled_deactivations_live_user_unique").on(t.liveUserId),
  ],
);

export type ScheduledDeactivation = typeof scheduledDeactivations.$inferSelect;
