import * as z from "zod/mini";
import {
  ACTOR_TYPES,
  LEAVER_APPROVAL_DECISIONS,
  LEAVER_APPROVAL_NOTE_MAX,
  LEAVER_CLASSES,
  LEAVER_JOB_KINDS,
  LEAVER_JOB_STATUSES,
  LEAVER_OUTCOMES,
} from "@/db/constants";
import { int, isoTime, uuid } from "./common";
import { defineContract } from "./contract";

// Bulk leavers (upload → preview → confirm → poll → results → undo): what the endpoints parse and
// answer. The same routes serve the API (JITSudo dialect, tokens) and the console (problem+json,
// session): leaverContracts(base) places them under each one's base.

const wholeNumber = (what: string, min: number, max: number, fallback: number) =>
  z._default(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, `${what} must be a whole number`)),
      z.pipe(z.transform(Number), z.number().check(z.refine((n) => n >= min && n <= max, `${what} must be between ${min} and ${max}`))),
    ),
    fallback,
  );

const paging = { page: wholeNumber("page", 1, 1_000_000, 1), page_size: wholeNumber("page_size", 1, 1_000, 100) };
const leaverClass = z.enum(LEAVER_CLASSES, { error: `class must be one of ${LEAVER_CLASSES.join(", ")}` });
const leaverOutcome = z.enum(LEAVER_OUTCOMES, { error: `outcome must be one of ${LEAVER_OUTCOMES.join(", ")}` });

export const leaverIdParams = z.object({ id: uuid("id") });
/** A leaver file's name, from the query (a text/csv body) or the multipart form's file part. */
export const leaverFileName = z.string().check(z.trim(), z.minLength(1), z.maxLength(255, "filename is at most 255 characters"));
export const uploadQuery = z.object({ filename: z.optional(leaverFileName) });
export const previewCsvQuery = z.object({ class: z.optional(leaverClass) });
export const previewQuery = z.extend(previewCsvQuery, paging);
export const resultsCsvQuery = z.object({ outcome: z.optional(leaverOutcome) });
export const resultsQuery = z.extend(resultsCsvQuery, paging);
export const confirmLeaverJobRequest = z.pipe(
  z
    .object({ previewId: z.optional(uuid("previewId")), preview_id: z.optional(uuid("preview_id")) })
    .check(z.refine((body) => body.previewId ?? body.preview_id, { message: "previewId is required", path: ["previewId"] })),
  z.transform((body: { previewId?: string; preview_id?: string }) => ({ previewId: (body.previewId ?? body.preview_id) as string })),
);

const note = z.string().check(z.trim(), z.maxLength(LEAVER_APPROVAL_NOTE_MAX, `note is at most ${LEAVER_APPROVAL_NOTE_MAX} characters`));
/** A second admin's approval: a note is optional. */
export const approveLeaverJobRequest = z.object({ note: z.optional(z.nullable(note)) });
/** A rejection says why. */
export const rejectLeaverJobRequest = z.object({
  note: z
    .string({ error: "note is required" })
    .check(z.trim(), z.minLength(1, "note is required"), z.maxLength(LEAVER_APPROVAL_NOTE_MAX, `note is at most ${LEAVER_APPROVAL_NOTE_MAX} characters`)),
});

// ---- responses ----------------------------------------------------------------------------------
const time = isoTime;
const actor = z.object({ type: z.enum(ACTOR_TYPES), id: z.string(), name: z.string() });
const pageMeta = z.object({ page: int(), page_size: int(), total: int(), total_pages: int() });

export const previewRow = z.object({
  row: int().register(z.globalRegistry, { description: "1-based number of the record in the file (header and blank lines not counted)" }),
  email: z.string(),
  reason: z.nullable(z.string()),
  ticket: z.nullable(z.string()),
  class: leaverClass,
  user_id: z.nullable(z.string()),
  duplicate_of: z.nullable(int()),
  effective_at: z
    .nullable(time)
    .register(z.globalRegistry, { description: "The row's effective_at as an instant (a date ends at 23:59:59.999 in the tenant's time zone); null: now" }),
  effective_at_problem: z.nullable(z.string()).register(z.globalRegistry, { description: "Why effective_at was refused (class invalid_effective_at)" }),
});

export const leaverPreview = z.object({
  id: z.string(),
  status: z.enum(["pending", "confirmed"]),
  job_id: z.nullable(z.string()),
  file_name: z.nullable(z.string()),
  file_sha256: z.string(),
  total_rows: int(),
  counts: z.record(leaverClass, int()),
  same_file_recently_run: z
    .boolean()
    .register(z.globalRegistry, { description: "true when a job ran this exact file (same SHA-256) in your tenant in the last 24 hours" }),
  same_file_run: z.nullable(z.object({ job_id: z.string(), created_at: time })),
  created_by: actor,
  created_at: time,
  rows: z.array(previewRow),
});
export const previewResponse = z.object({ data: leaverPreview, meta: pageMeta });

export const jobApproval = z.object({
  threshold: int(),
  counted_rows: int().register(z.globalRegistry, {
    description: "the users this job changes: its preview's will_deactivate and scheduled rows, or the users an undo job reactivates",
  }),
  recent_rows: int().register(z.globalRegistry, {
    description:
      "the same admin's other rows of jobs of the same kind created since recent_since that ran or will run without a second admin: the threshold was measured against counted_rows + recent_rows",
  }),
  recent_since: time,
  requested_at: time,
  expires_at: time,
  decision: z.nullable(z.enum(LEAVER_APPROVAL_DECISIONS)),
  decided_by: z.nullable(z.object({ type: z.enum(ACTOR_TYPES), id: z.nullable(z.string()), name: z.string() })),
  decided_at: z.nullable(time),
  note: z.nullable(z.string()),
  can_decide: z.boolean().register(z.globalRegistry, { description: "whether you may approve or reject it now (never the job's creator)" }),
});

export const leaverJob = z.object({
  id: z.string(),
  kind: z.enum(LEAVER_JOB_KINDS),
  status: z.enum(LEAVER_JOB_STATUSES),
  preview_id: z.nullable(z.string()),
  undo_of_job_id: z.nullable(z.string()),
  undone_by_job_id: z.nullable(z.string()),
  total_rows: int(),
  processed_rows: int(),
  progress: z.object({
    processed: int(),
    total: int(),
    percent: z.number(),
    rate_per_second: z.nullable(int()),
    eta_seconds: z.nullable(int()),
  }),
  counts: z.optional(z.record(z.string(), int())).register(z.globalRegistry, { description: "rows per outcome; `pending` for rows not processed yet" }),
  created_by: actor,
  created_at: time,
  approval: z.nullable(jobApproval).register(z.globalRegistry, {
    description:
      "the second admin's approval this job needed (its users to deactivate, or to reactivate for an undo, with its admin's of the last 24 hours, were above the tenant's threshold); null when it needed none",
  }),
  started_at: z.nullable(time),
  finished_at: z.nullable(time),
});
export const jobResponse = z.object({ data: leaverJob });
export const jobListResponse = z.object({ data: z.array(leaverJob) });

export const jobRow = z.object({
  row: int(),
  email: z.string(),
  reason: z.nullable(z.string()),
  ticket: z.nullable(z.string()),
  class: leaverClass,
  user_id: z.nullable(z.string()),
  effective_at: z.nullable(time),
  outcome: z.nullable(leaverOutcome),
  outcome_reason: z.nullable(z.string()),
  processed_at: z.nullable(time),
});
export const resultsResponse = z.object({ data: z.array(jobRow), meta: pageMeta });

export const MAX_LEAVER_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_LEAVER_ROWS = 100_000;
/** Fields in any one record (the header included): a leaver file needs four columns, a spreadsheet export may add some. */
export const MAX_LEAVER_COLUMNS = 100;
/** Records in all, blank ones included: the header, the rows and as many blank lines again. */
export const MAX_LEAVER_RECORDS = 2 * MAX_LEAVER_ROWS;
/** The longest cell kept of each column, in characters (after trimming); a longer one refuses the file. */
export const MAX_LEAVER_CELL_CHARS = { email: 320, reason: 1_000, ticket: 200, effective_at: 64 } as const;

const idParams = leaverIdParams;
const csv = "text/csv";

/** The leaver routes under a base path; each one a contract. */
export function leaverContracts<const Base extends string>(base: Base) {
  return {
    createPreview: defineContract({
      method: "POST",
      path: `${base}/previews`,
      query: uploadQuery,
      response: { status: 201, description: "The stored preview with counts per class", schema: previewResponse },
    }),
    getPreview: defineContract({
      method: "GET",
      path: `${base}/previews/{id}`,
      params: idParams,
      query: previewQuery,
      response: { status: 200, description: "The preview and one page of rows", schema: previewResponse },
    }),
    previewRowsCsv: defineContract({
      method: "GET",
      path: `${base}/previews/{id}/rows.csv`,
      params: idParams,
      query: previewCsvQuery,
      response: { status: 200, description: "The rows, as text/csv", contentType: csv },
    }),
    confirm: defineContract({
      method: "POST",
      path: base,
      body: confirmLeaverJobRequest,
      response: { status: 202, description: "The job, queued or awaiting approval", schema: jobResponse },
    }),
    listJobs: defineContract({ method: "GET", path: base, response: { status: 200, description: "The jobs", schema: jobListResponse } }),
    getJob: defineContract({ method: "GET", path: `${base}/{id}`, params: idParams, response: { status: 200, description: "The job", schema: jobResponse } }),
    results: defineContract({
      method: "GET",
      path: `${base}/{id}/results`,
      params: idParams,
      query: resultsQuery,
      response: { status: 200, description: "One page of rows", schema: resultsResponse },
    }),
    resultsCsv: defineContract({
      method: "GET",
      path: `${base}/{id}/results.csv`,
      params: idParams,
      query: resultsCsvQuery,
      response: { status: 200, description: "The rows, as text/csv", contentType: csv },
    }),
    cancel: defineContract({
      method: "POST",
      path: `${base}/{id}/cancel`,
      params: idParams,
      response: { status: 200, description: "The job, cancelled", schema: jobResponse },
    }),
    approve: defineContract({
      method: "POST",
      path: `${base}/{id}/approve`,
      params: idParams,
      body: approveLeaverJobRequest,
      response: { status: 200, description: "The job, approved and queued", schema: jobResponse },
    }),
    reject: defineContract({
      method: "POST",
      path: `${base}/{id}/reject`,
      params: idParams,
      body: rejectLeaverJobRequest,
      response: { status: 200, description: "The job, rejected", schema: jobResponse },
    }),
    undo: defineContract({
      method: "POST",
      path: `${base}/{id}/undo`,
      params: idParams,
      response: { status: 202, description: "The undo job, queued or awaiting approval", schema: jobResponse },
    }),
  };
}

export type LeaverContracts = ReturnType<typeof leaverContracts>;
/** The console's leaver routes. */
export const consoleLeavers = leaverContracts("/api/console/leaver-jobs");

/**
 * Whether a job switches the signed-in admin off (a row naming their user that deactivated it or still may): the
 * console then leaves out what the policies would refuse them (cancel, reject, undo). Asked once per job shown, not
 * with every poll of it: it may read all of a job's rows.
 */
export const consoleLeaverJobViewer = defineContract({
  method: "GET",
  path: "/api/console/leaver-jobs/{id}/viewer",
  params: idParams,
  response: {
    status: 200,
    description: "Whether the job deactivates you (or schedules you), so that you cannot cancel, reject or undo it",
    schema: z.object({ data: z.object({ deactivatesYou: z.boolean() }) }),
  },
});
