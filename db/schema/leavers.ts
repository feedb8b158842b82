import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ACTOR_TYPES, LEAVER_CLASSES, LEAVER_JOB_KINDS, LEAVER_JOB_STATUSES, LEAVER_OUTCOMES } from "../constants";
import { epochMs, json, partOf, timestamps } from "./columns";
import { tenantId } from "./tenants";

// Bulk leavers (issue 5): an uploaded file becomes a preview; a confirmed preview, a job.

export type LeaverClass = (typeof LEAVER_CLASSES)[number];
export type LeaverJobStatus = (typeof LEAVER_JOB_STATUSES)[number];
export type LeaverOutcome = (typeof LEAVER_OUTCOMES)[number];

/** The admin (or their token) who uploaded the file or started the job. */
const actor = () => ({
  actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
  actorId: text("actor_id").notNull(),
  actorName: text("actor_name").notNull(),
  // The admin's own user: the row naming it is classified "self" and a job may only be confirmed by them.
  actorUserId: text("actor_user_id").notNull(),
});

/** One record of the uploaded file, as classified when it was previewed. */
const fileRow = () => ({
  // 1-based number of the data record in the file (the header and blank lines not counted).
  rowNumber: integer("row_number").notNull(),
  email: text("email").notNull(),
  reason: text("reason"),
  ticket: text("ticket"),
  class: text("class", { enum: LEAVER_CLASSES }).notNull(),
  userId: text("user_id"),
  // The file's effective_at, resolved to an instant (docs/decisions/0024); null: now.
  effectiveAt: epochMs("effective_at"),
});

/** An uploaded leaver file, classified row by row; nothing changes until a job is confirmed from it. */
export const leaverPreviews = sqliteTable(
  "leaver_previews",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    ...actor(),
    fileName: text("file_name"),
    fileSha256: text("file_sha256").notNull(),
    totalRows: integer("total_rows").notNull(),
    counts: json<Record<LeaverClass, number>>("counts").notNull(),
    // False while the file's rows are stored, a chunk per transaction (db/queries/leaver-previews.ts):
    // such a preview is not found, cannot be confirmed, and is discarded if its upload fails or stops.
    complete: integer("complete", { mode: "boolean" }).notNull().default(true),
    ...timestamps,
  },
  (t) => [index("leaver_previews_tenant_created_idx").on(t.tenantId, t.createdAt)],
);

export const leaverPreviewRows = sqliteTable(
  "leaver_preview_rows",
  {
    previewId: partOf("preview_id", () => leaverPreviews.id),
    ...fileRow(),
    // For a duplicate: the row it repeats.
    duplicateOf: integer("duplicate_of"),
    // The effective_at cell as written, for an invalid one (the preview says why it was refused).
    effectiveAtText: text("effective_at_text"),
    // The job's process order for the row (leaver_job_rows.process_order), known from the lookup
    // that classified it: confirming copies it instead of finding each user again.
    processOrder: integer("process_order").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.previewId, t.rowNumber] }), index("leaver_preview_rows_class_idx").on(t.previewId, t.class, t.rowNumber)],
);

/** A confirmed bulk run, processed by the worker in server/start.ts; durable across restarts. */
export const leaverJobs = sqliteTable(
  "leaver_jobs",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    kind: text("kind", { enum: LEAVER_JOB_KINDS }).notNull(),
    status: text("status", { enum: LEAVER_JOB_STATUSES }).notNull(),
    previewId: text("preview_id").references(() => leaverPreviews.id),
    // For an undo job: the job it undoes; on the undone job: the undo job.
    undoOfJobId: text("undo_of_job_id"),
    undoneByJobId: text("undone_by_job_id"),
    fileSha256: text("file_sha256"),
    ...actor(),
    requestId: text("request_id"),
    totalRows: integer("total_rows").notNull(),
    processedRows: integer("processed_rows").notNull().default(0),
    // Rows per outcome, kept up to date by each batch, so that polling progress costs one row read.
    outcomeCounts: json<Partial<Record<LeaverOutcome, number>>>("outcome_counts").notNull().default({}),
    startedAt: epochMs("started_at"),
    finishedAt: epochMs("finished_at"),
    ...timestamps,
  },
  (t) => [
    // The worker's next batch: the runnable job that has waited longest (nextRunnableLeaverJobId).
    index("leaver_jobs_status_idx").on(t.status, t.updatedAt, t.id),
    index("leaver_jobs_tenant_sha_idx").on(t.tenantId, t.fileSha256, t.createdAt),
    // The tenant's job list, newest first: read in order and stopped at its page, not every job sorted.
    index("leaver_jobs_tenant_created_idx").on(t.tenantId, t.createdAt, t.id),
    uniqueIndex("leaver_jobs_preview_unique").on(t.previewId),
  ],
);

export const leaverJobRows = sqliteTable(
  "leaver_job_rows",
  {
    jobId: partOf("job_id", () => leaverJobs.id),
    ...fileRow(),
    // Null until processed; written in the same transaction as the row's effect (exactly once).
    outcome: text("outcome", { enum: LEAVER_OUTCOMES }),
    outcomeReason: text("outcome_reason"),
    processedAt: epochMs("processed_at"),
    // The order the worker takes pending rows in: on SQLite the user's rowid, so that a batch's
    // users lie near one another in the tables keyed by it (docs/decisions/0027); else the row number.
    processOrder: integer("process_order").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.rowNumber] }),
    // Partial: recording an outcome deletes the row's entry, next to the batch's others. No index
    // on the outcome: the batches record outcomes in process order, which scatters over any index
    // in row order, and keeping one cost a 90,000-row job ~1 s of its 8 (docs/decisions/0027).
    // A page of one outcome reads the job's rows by primary key instead, at most the file's 100,000.
    index("leaver_job_rows_pending_idx")
      .on(t.jobId, t.processOrder)
      .where(sql`outcome is null`),
  ],
);

export type LeaverPreview = typeof leaverPreviews.$inferSelect;
export type LeaverPreviewRow = typeof leaverPreviewRows.$inferSelect;
export type LeaverJob = typeof leaverJobs.$inferSelect;
export type LeaverJobRow = typeof leaverJobRows.$inferSelect;
