import type { EndpointSpec, NotAllowedSpec } from "@/lib/api/openapi-endpoints";
import * as s from "./api-schemas";

/**
 * The OpenAPI entries of the bulk leaver API, ready to be spread into ENDPOINTS and NOT_ALLOWED
 * of lib/api/openapi-endpoints.ts. The schemas carry no ids, so they are written inline.
 */
const SCOPE_WRITE = "mx:user-deactivation:write";
// Reads also accept `users:read` (auditors review jobs); the write scope is what scripts hold.
const SCOPE_READ = "mx:user-deactivation:write";
const idDoc = (what: string) => ({ id: { description: `UUID of the ${what}.`, example: "5b0e4c1e-8a0f-4d55-9a44-0c6f9e0f2b7a" } });
const paging = { page: { description: "Page number, from 1 (default 1).", example: "1" }, page_size: { description: "Rows per page, 1–1000 (default 100).", example: "100" } };
const csvNote = "A CSV download (`text/csv`): cells that start with = + - @ tab or CR are prefixed with a single quote so that spreadsheets never run them as formulas.";

export const LEAVER_ENDPOINTS: EndpointSpec[] = [
  {
    api: "jitsudo",
    method: "post",
    path: "/v1/leaver-jobs/previews",
    operationId: "createLeaverPreview",
    summary: "Upload a leaver file for preview",
    description:
      "Send the CSV file as the request body (`Content-Type: text/csv`) or as the `file` field of a `multipart/form-data` form. A header row names an `email` column (any case) and optionally `reason` and `ticket`; UTF-8 with or without BOM; comma or semicolon; quoted fields; blank lines skipped. At most 100,000 rows and 20 MB; a larger file, a binary file or one without an email column is a 400 and nothing is stored. Every row is classified (will_deactivate, already_inactive, not_found, invalid_email, duplicate, self) and the preview stored; nothing changes until it is confirmed. The answer holds the first 100 rows, in the order of GET /v1/leaver-jobs/previews/{id}.",
    scope: SCOPE_WRITE,
    query: s.uploadQuery,
    parameters: { filename: { description: "A name for the file, kept with the preview (for a text/csv body)." } },
    success: { status: 201, description: "The stored preview with counts per class", schema: s.previewResponse },
    errors: [400, 401, 403],
  },
  {
    api: "jitsudo",
    method: "get",
    path: "/v1/leaver-jobs/previews/{id}",
    operationId: "getLeaverPreview",
    summary: "A leaver preview, one page of rows",
    description: "The preview, its counts, the same-file warning, and one page of its rows: of one class by row number, or, without `class`, problem rows first — invalid_email, not_found, self, duplicate, already_inactive, then will_deactivate, by row number within each (the CSV download keeps file order).",
    scope: SCOPE_READ,
    params: s.leaverIdParams,
    query: s.previewQuery,
    parameters: { ...idDoc("preview"), class: { description: "Only rows of this class." }, ...paging },
    success: { status: 200, description: "The preview and one page of rows", schema: s.previewResponse },
    errors: [400, 401, 403, 404],
  },
  {
    api: "jitsudo",
    method: "get",
    path: "/v1/leaver-jobs/previews/{id}/rows.csv",
    operationId: "downloadLeaverPreview",
    summary: "Download a leaver preview as CSV",
    description: `Columns row, email, reason, ticket, class, user_id, duplicate_of. ${csvNote}`,
    scope: SCOPE_READ,
    params: s.leaverIdParams,
    query: s.previewCsvQuery,
    parameters: { ...idDoc("preview"), class: { description: "Only rows of this class." } },
    success: { status: 200, description: "The rows, as text/csv" },
    errors: [400, 401, 403, 404],
  },
  {
    api: "jitsudo",
    method: "post",
    path: "/v1/leaver-jobs",
    operationId: "confirmLeaverPreview",
    summary: "Confirm a preview: start a leaver job",
    description:
      "Creates a durable job holding every row of the preview, queued for the server's worker, which processes it in batches (one transaction each: users, tokens, sessions, audit events, row outcomes) and resumes after a restart. A preview is confirmed once (again: 409), and only by the admin who uploaded it (403).",
    scope: SCOPE_WRITE,
    body: s.confirmLeaverJobRequest,
    bodyExample: { previewId: "5b0e4c1e-8a0f-4d55-9a44-0c6f9e0f2b7a" },
    success: { status: 202, description: "The job, queued", schema: s.jobResponse },
    errors: [400, 401, 403, 404, 409, 413],
  },
  {
    api: "jitsudo",
    method: "get",
    path: "/v1/leaver-jobs",
    operationId: "listLeaverJobs",
    summary: "Recent leaver jobs",
    description: "Your tenant's 50 most recent leaver and undo jobs, newest first.",
    scope: SCOPE_READ,
    success: { status: 200, description: "The jobs", schema: s.jobListResponse },
    errors: [401, 403],
  },
  {
    api: "jitsudo",
    method: "get",
    path: "/v1/leaver-jobs/{id}",
    operationId: "getLeaverJob",
    summary: "A leaver job's status and progress",
    description: "Status, progress (processed / total, rows per second, seconds left) and rows per outcome. Poll it while the job runs.",
    scope: SCOPE_READ,
    params: s.leaverIdParams,
    parameters: idDoc("job"),
    success: { status: 200, description: "The job", schema: s.jobResponse },
    errors: [400, 401, 403, 404],
  },
  {
    api: "jitsudo",
    method: "get",
    path: "/v1/leaver-jobs/{id}/results",
    operationId: "getLeaverJobResults",
    summary: "Per-row results of a leaver job",
    description: "Each row's outcome (deactivated, already_inactive, not_found, invalid, skipped, error; reactivated or already_active for an undo job) and reason, in file order. Rows not processed yet have outcome null.",
    scope: SCOPE_READ,
    params: s.leaverIdParams,
    query: s.resultsQuery,
    parameters: { ...idDoc("job"), outcome: { description: "Only rows with this outcome." }, ...paging },
    success: { status: 200, description: "One page of rows", schema: s.resultsResponse },
    errors: [400, 401, 403, 404],
  },
  {
    api: "jitsudo",
    method: "get",
    path: "/v1/leaver-jobs/{id}/results.csv",
    operationId: "downloadLeaverJobResults",
    summary: "Download a leaver job's results as CSV",
    description: `Columns row, email, reason, ticket, class, outcome, outcome_reason, user_id, processed_at. ${csvNote}`,
    scope: SCOPE_READ,
    params: s.leaverIdParams,
    query: s.resultsCsvQuery,
    parameters: { ...idDoc("job"), outcome: { description: "Only rows with this outcome." } },
    success: { status: 200, description: "The rows, as text/csv" },
    errors: [400, 401, 403, 404],
  },
  {
    api: "jitsudo",
    method: "post",
    path: "/v1/leaver-jobs/{id}/cancel",
    operationId: "cancelLeaverJob",
    summary: "Cancel a leaver job",
    description: "Stops the job before its next batch; rows not processed yet become `skipped`. A finished job is a 409.",
    scope: SCOPE_WRITE,
    params: s.leaverIdParams,
    parameters: idDoc("job"),
    success: { status: 200, description: "The job, cancelled", schema: s.jobResponse },
    errors: [400, 401, 403, 404, 409],
  },
  {
    api: "jitsudo",
    method: "post",
    path: "/v1/leaver-jobs/{id}/undo",
    operationId: "undoLeaverJob",
    summary: "Undo a finished leaver job",
    description:
      "Queues a new, audited job that reactivates exactly the users this job deactivated (not those that were already inactive, nor those deactivated again since). A job is undone once; a running job or an undo job cannot be undone (409).",
    scope: SCOPE_WRITE,
    params: s.leaverIdParams,
    parameters: idDoc("job"),
    success: { status: 202, description: "The undo job, queued", schema: s.jobResponse },
    errors: [400, 401, 403, 404, 409],
  },
];

const others = (allowed: ("get" | "post")[]) => (["get", "post", "put", "patch", "delete"] as const).filter((m) => !allowed.includes(m as "get" | "post"));
export const LEAVER_NOT_ALLOWED: NotAllowedSpec[] = (
  [
    ["/v1/leaver-jobs", ["get", "post"]],
    ["/v1/leaver-jobs/previews", ["post"]],
    ["/v1/leaver-jobs/previews/{id}", ["get"]],
    ["/v1/leaver-jobs/previews/{id}/rows.csv", ["get"]],
    ["/v1/leaver-jobs/{id}", ["get"]],
    ["/v1/leaver-jobs/{id}/results", ["get"]],
    ["/v1/leaver-jobs/{id}/results.csv", ["get"]],
    ["/v1/leaver-jobs/{id}/cancel", ["post"]],
    ["/v1/leaver-jobs/{id}/undo", ["post"]],
  ] as const
).map(([path, allowed]) => ({ api: "jitsudo", path, methods: others([...allowed]), allowed: allowed.map((m) => m.toUpperCase()) }));
