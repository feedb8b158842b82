import type { EndpointDocs, ParameterDoc } from "@/lib/api/endpoint";
import {
  MAX_LEAVER_CELL_CHARS,
  MAX_LEAVER_COLUMNS,
  MAX_LEAVER_FILE_BYTES,
  MAX_LEAVER_RECORDS,
  MAX_LEAVER_ROWS,
  type LeaverContracts,
} from "@/lib/contracts/leavers";
import { LEAVER_APPROVAL_WINDOW_MS } from "@/db/queries/leaver-approvals";
import { MAX_UNCONFIRMED_PREVIEWS_PER_ADMIN, UNCONFIRMED_PREVIEW_MS } from "@/db/queries/leaver-preview-retention";

const previewRetention = `A preview not confirmed within ${UNCONFIRMED_PREVIEW_MS / 86_400_000} days is discarded, and so is an admin's oldest unconfirmed preview when they upload one more than ${MAX_UNCONFIRMED_PREVIEWS_PER_ADMIN}; confirming a discarded preview is a 404.`;

// The no-self-deactivation policy (lib/policies/roles.cedar): whom a job switches off cannot stop it.
const notForLeavers = (verb: string) =>
  `An admin whom the job deactivates or schedules (a row naming their own user, other than the skipped \`self\` row of their own file) cannot ${verb} it: 403, notices \`no-self-deactivation\`.`;

// What the OpenAPI document says about each leaver route (operation ids are the API's; the
// console's copies are prefixed). Schemas come from lib/contracts/leavers.ts.

const idDoc = (what: string): Record<string, ParameterDoc> => ({
  id: { description: `UUID of the ${what}.`, example: "5b0e4c1e-8a0f-4d55-9a44-0c6f9e0f2b7a" },
});
const paging: Record<string, ParameterDoc> = {
  page: { description: "Page number, from 1 (default 1).", example: "1" },
  page_size: { description: "Rows per page, 1–1000 (default 100).", example: "100" },
};
const n = (value: number) => value.toLocaleString("en-US");
const cellLimits = Object.entries(MAX_LEAVER_CELL_CHARS)
  .map(([column, max]) => `\`${column}\` ${n(max)}`)
  .join(", ");
const fileLimits =
  `At most ${n(MAX_LEAVER_ROWS)} rows and ${MAX_LEAVER_FILE_BYTES / 1024 / 1024} MB (counted as the upload arrives: a larger one is refused as soon as it passes the limit), ` +
  `${n(MAX_LEAVER_RECORDS)} lines with the blank ones, ${MAX_LEAVER_COLUMNS} columns in any record (delimiters inside quotes not counted), ` +
  `and cells of at most so many characters (after trimming): ${cellLimits}; a longer cell refuses the file, it is never cut. ` +
  "A binary file, one without an email column or one past a limit is a 400 naming the record or row, and nothing is stored.";
const windowHours = LEAVER_APPROVAL_WINDOW_MS / 3_600_000;
// The four-eyes rule (docs/decisions/0025), as the confirmation and the undo apply it.
const approvalRule = (verb: string, jobs: string) =>
  `When the users it would ${verb}, with those of the same admin's other ${jobs} of the last ${windowHours} hours that needed no second admin (through the console or any of their tokens), are more than the tenant's approval threshold (100 by default), the job is created as \`awaiting_approval\` instead: another admin approves or rejects it within 72 hours (see approve and reject); its \`approval\` gives its own rows (\`counted_rows\`) and the others (\`recent_rows\`).`;
const csvNote =
  "A CSV download (`text/csv`): cells that start with = + - @ tab or CR are prefixed with a single quote so that spreadsheets never run them as formulas.";

export const LEAVER_DOCS: Record<keyof LeaverContracts, EndpointDocs & { operationId: string }> = {
  createPreview: {
    operationId: "createLeaverPreview",
    summary: "Upload a leaver file for preview",
    description:
      "Send the CSV file as the request body (`Content-Type: text/csv`) or as the `file` field of a `multipart/form-data` form. A header row names an `email` column (any case) and optionally `reason`, `ticket` and `effective_at`; UTF-8 with or without BOM; comma or semicolon; quoted fields; blank lines skipped. " +
      fileLimits +
      " `effective_at` is when the row's deactivation takes effect: an ISO date (`2026-12-31`, which ends at 23:59:59.999 in the tenant's time zone, `roster tenant set --time-zone`), or an ISO date-time with an offset (`2026-12-31T18:00+01:00`, `…Z`); empty or in the past means now. Every row is classified (will_deactivate, scheduled — a future effective_at —, already_inactive, not_found, invalid_email, invalid_effective_at — with `effective_at_problem` saying why —, duplicate, self) and the preview stored; nothing changes until it is confirmed. The answer holds the first 100 rows, in the order of the preview's pages (problem rows first). " +
      previewRetention,
    parameters: { filename: { description: "A name for the file, kept with the preview (for a text/csv body)." } },
  },
  getPreview: {
    operationId: "getLeaverPreview",
    summary: "A leaver preview, one page of rows",
    description:
      "The preview, its counts, the same-file warning, and one page of its rows: of one class by row number, or, without `class`, problem rows first — invalid_email, invalid_effective_at, not_found, self, duplicate, already_inactive, scheduled, then will_deactivate, by row number within each (the CSV download keeps file order).",
    parameters: { ...idDoc("preview"), class: { description: "Only rows of this class." }, ...paging },
  },
  previewRowsCsv: {
    operationId: "downloadLeaverPreview",
    summary: "Download a leaver preview as CSV",
    description: `Columns row, email, reason, ticket, class, user_id, duplicate_of, effective_at, effective_at_problem. ${csvNote}`,
    parameters: { ...idDoc("preview"), class: { description: "Only rows of this class." } },
  },
  confirm: {
    operationId: "confirmLeaverPreview",
    summary: "Confirm a preview: start a leaver job",
    description:
      "Creates a durable job holding every row of the preview, queued for the server's worker, which processes it in batches (one transaction each: users, tokens, sessions, audit events, row outcomes) and resumes after a restart. A row whose effective_at is still ahead when its batch runs becomes a scheduled deactivation (outcome `scheduled`), which the server runs within a minute of its time; one that has come due meanwhile is deactivated at once. A preview is confirmed once (again: 409), and only by the admin who uploaded it (403). Counted are the rows it would deactivate (classes will_deactivate and scheduled). " +
      approvalRule("deactivate", "deactivation jobs"),
    bodyExample: { previewId: "5b0e4c1e-8a0f-4d55-9a44-0c6f9e0f2b7a" },
  },
  listJobs: { operationId: "listLeaverJobs", summary: "Recent leaver jobs", description: "Your tenant's 50 most recent leaver and undo jobs, newest first." },
  getJob: {
    operationId: "getLeaverJob",
    summary: "A leaver job's status and progress",
    description: "Status, progress (processed / total, rows per second, seconds left) and rows per outcome. Poll it while the job runs.",
    parameters: idDoc("job"),
  },
  results: {
    operationId: "getLeaverJobResults",
    summary: "Per-row results of a leaver job",
    description:
      "Each row's outcome (deactivated, scheduled — its reason names the time and the schedule —, already_inactive, not_found, invalid, skipped, error, changed_since_preview; reactivated or already_active for an undo job) and reason, in file order. Rows not processed yet have outcome null. `changed_since_preview`: the user is no longer what the preview (and its approval) said — deactivated, reactivated or deleted since — and was left alone; the reason names both classes.",
    parameters: { ...idDoc("job"), outcome: { description: "Only rows with this outcome." }, ...paging },
  },
  resultsCsv: {
    operationId: "downloadLeaverJobResults",
    summary: "Download a leaver job's results as CSV",
    description: `Columns row, email, reason, ticket, class, outcome, outcome_reason, user_id, processed_at, effective_at. ${csvNote}`,
    parameters: { ...idDoc("job"), outcome: { description: "Only rows with this outcome." } },
  },
  cancel: {
    operationId: "cancelLeaverJob",
    summary: "Cancel a leaver job",
    description: "Stops the job before its next batch; rows not processed yet become `skipped`. A finished job is a 409. " + notForLeavers("cancel"),
    parameters: idDoc("job"),
  },
  approve: {
    operationId: "approveLeaverJob",
    summary: "Approve a leaver job awaiting approval",
    description:
      "A second admin's approval of a job above the tenant's threshold (a deactivation, or an undo): the job is queued and runs the rows that were previewed (or the undo's reactivations). Never by the admin who created the job, nor with one of their tokens (403). A job no longer awaiting approval — decided by someone else, cancelled or expired after 72 hours — is a 409. The note (optional, at most 500 characters) is kept with the job and in the audit log.",
    parameters: idDoc("job"),
    bodyExample: { note: "Checked against the HR export of 2 March" },
  },
  reject: {
    operationId: "rejectLeaverJob",
    summary: "Reject a leaver job awaiting approval",
    description:
      "A second admin's rejection, with a note saying why (required, at most 500 characters): the job ends as `rejected` and its rows become `skipped`; nothing changes. Same rules as approve: not by its creator (403), only while it awaits approval (409). " +
      notForLeavers("reject"),
    parameters: idDoc("job"),
    bodyExample: { note: "Three of these people are on parental leave, not leaving" },
  },
  undo: {
    operationId: "undoLeaverJob",
    summary: "Undo a finished leaver job",
    description:
      "Queues a new, audited job that reactivates exactly the users this job deactivated (not those that were already inactive, nor those deactivated again since), and cancels the job's scheduled deactivations that have not run yet (those that ran are not reversed). A job is undone once; a running job or an undo job cannot be undone (409). " +
      approvalRule("reactivate", "undo jobs") +
      " An undo rejected, expired or cancelled while it waited leaves the job undoable again (its cancelled schedules stay cancelled). " +
      notForLeavers("undo"),
    parameters: idDoc("job"),
  },
};
