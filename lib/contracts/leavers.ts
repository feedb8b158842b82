import { z } from "zod";
import { LEAVER_CLASSES, LEAVER_JOB_KINDS, LEAVER_JOB_STATUSES, LEAVER_OUTCOMES } from "@/db/constants";
import { uuid } from "./common";
import { defineContract } from "./contract";

// Bulk leavers (upload → preview → confirm → poll → results → undo): what the endpoints parse and
// answer. The same routes serve the API (JITSudo dialect, tokens) and the console (problem+json,
// session): leaverContracts(base) places them under each one's base.

const wholeNumber = (what: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `${what} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${what} must be between ${min} and ${max}`)
    .default(fallback);

const paging = { page: wholeNumber("page", 1, 1_000_000, 1), page_size: wholeNumber("page_size", 1, 1_000, 100) };
const leaverClass = z.enum(LEAVER_CLASSES, { error: `class must be one of ${LEAVER_CLASSES.join(", ")}` });
const leaverOutcome = z.enum(LEAVER_OUTCOMES, { error: `outcome must be one of ${LEAVER_OUTCOMES.join(", ")}` });

export const leaverIdParams = z.object({ id: uuid("id") });
export const uploadQuery = z.object({ filename: z.string().trim().min(1).max(255, "filename is at most 255 characters").optional() });
export const previewQuery = z.object({ class: leaverClass.optional(), ...paging });
export const previewCsvQuery = previewQuery.pick({ class: true });
export const resultsQuery = z.object({ outcome: leaverOutcome.optional(), ...paging });
export const resultsCsvQuery = resultsQuery.pick({ outcome: true });
export const confirmLeaverJobRequest = z
  .object({ previewId: uuid("previewId").optional(), preview_id: uuid("preview_id").optional() })
  .refine((body) => body.previewId ?? body.preview_id, { message: "previewId is required", path: ["previewId"] })
  .transform((body) => ({ previewId: (body.previewId ?? body.preview_id) as string }));

// ---- responses ----------------------------------------------------------------------------------
const time = z.string().describe("ISO 8601");
const actor = z.object({ type: z.enum(["admin", "token", "system"]), id: z.string(), name: z.string() });
const pageMeta = z.object({ page: z.number().int(), page_size: z.number().int(), total: z.number().int(), total_pages: z.number().int() });

export const previewRow = z.object({
  row: z.number().int().describe("1-based number of the record in the file (header and blank lines not counted)"),
  email: z.string(),
  reason: z.string().nullable(),
  ticket: z.string().nullable(),
  class: leaverClass,
  user_id: z.string().nullable(),
  duplicate_of: z.number().int().nullable(),
});

export const leaverPreview = z.object({
  id: z.string(),
  status: z.enum(["pending", "confirmed"]),
  job_id: z.string().nullable(),
  file_name: z.string().nullable(),
  file_sha256: z.string(),
  total_rows: z.number().int(),
  counts: z.record(leaverClass, z.number().int()),
  same_file_recently_run: z.boolean().describe("true when a job ran this exact file (same SHA-256) in your tenant in the last 24 hours"),
  same_file_run: z.object({ job_id: z.string(), created_at: time }).nullable(),
  created_by: actor,
  created_at: time,
  rows: z.array(previewRow),
});
export const previewResponse = z.object({ data: leaverPreview, meta: pageMeta });

export const leaverJob = z.object({
  id: z.string(),
  kind: z.enum(LEAVER_JOB_KINDS),
  status: z.enum(LEAVER_JOB_STATUSES),
  preview_id: z.string().nullable(),
  undo_of_job_id: z.string().nullable(),
  undone_by_job_id: z.string().nullable(),
  total_rows: z.number().int(),
  processed_rows: z.number().int(),
  progress: z.object({
    processed: z.number().int(),
    total: z.number().int(),
    percent: z.number(),
    rate_per_second: z.number().int().nullable(),
    eta_seconds: z.number().int().nullable(),
  }),
  counts: z.record(z.string(), z.number().int()).optional().describe("rows per outcome; `pending` for rows not processed yet"),
  created_by: actor,
  created_at: time,
  started_at: time.nullable(),
  finished_at: time.nullable(),
});
export const jobResponse = z.object({ data: leaverJob });
export const jobListResponse = z.object({ data: z.array(leaverJob) });

export const jobRow = z.object({
  row: z.number().int(),
  email: z.string(),
  reason: z.string().nullable(),
  ticket: z.string().nullable(),
  class: leaverClass,
  user_id: z.string().nullable(),
  outcome: leaverOutcome.nullable(),
  outcome_reason: z.string().nullable(),
  processed_at: time.nullable(),
});
export const resultsResponse = z.object({ data: z.array(jobRow), meta: pageMeta });

export const MAX_LEAVER_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_LEAVER_ROWS = 100_000;

const idParams = leaverIdParams;
const csv = "text/csv";

/** The leaver routes under a base path; each one a contract. */
export function leaverContracts<const Base extends string>(base: Base) {
  return {
    createPreview: defineContract({ method: "POST", path: `${base}/previews`, query: uploadQuery, response: { status: 201, description: "The stored preview with counts per class", schema: previewResponse } }),
    getPreview: defineContract({ method: "GET", path: `${base}/previews/{id}`, params: idParams, query: previewQuery, response: { status: 200, description: "The preview and one page of rows", schema: previewResponse } }),
    previewRowsCsv: defineContract({ method: "GET", path: `${base}/previews/{id}/rows.csv`, params: idParams, query: previewCsvQuery, response: { status: 200, description: "The rows, as text/csv", contentType: csv } }),
    confirm: defineContract({ method: "POST", path: base, body: confirmLeaverJobRequest, response: { status: 202, description: "The job, queued", schema: jobResponse } }),
    listJobs: defineContract({ method: "GET", path: base, response: { status: 200, description: "The jobs", schema: jobListResponse } }),
    getJob: defineContract({ method: "GET", path: `${base}/{id}`, params: idParams, response: { status: 200, description: "The job", schema: jobResponse } }),
    results: defineContract({ method: "GET", path: `${base}/{id}/results`, params: idParams, query: resultsQuery, response: { status: 200, description: "One page of rows", schema: resultsResponse } }),
    resultsCsv: defineContract({ method: "GET", path: `${base}/{id}/results.csv`, params: idParams, query: resultsCsvQuery, response: { status: 200, description: "The rows, as text/csv", contentType: csv } }),
    cancel: defineContract({ method: "POST", path: `${base}/{id}/cancel`, params: idParams, response: { status: 200, description: "The job, cancelled", schema: jobResponse } }),
    undo: defineContract({ method: "POST", path: `${base}/{id}/undo`, params: idParams, response: { status: 202, description: "The undo job, queued", schema: jobResponse } }),
  };
}

export type LeaverContracts = ReturnType<typeof leaverContracts>;
/** The console's leaver routes. */
export const consoleLeavers = leaverContracts("/api/console/leaver-jobs");
