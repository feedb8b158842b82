import Papa from "papaparse";
import { csvCell } from "@/lib/csv-cell";
import type { Db } from "@/db/client";
import { listLeaverJobRows, type JobRowView, type LeaverJobView } from "@/db/queries/leaver-jobs";
import { listLeaverPreviewRows, type PreviewRowView } from "@/db/queries/leaver-previews";
import type { LeaverClass, LeaverJob, LeaverOutcome, LeaverPreview } from "@/db/schema";
import type { FileBody } from "@/lib/http/types";
import { parseEffectiveAt } from "@/lib/scheduled/effective-at";
import type { SameFileWarning } from "./preview";

// The wire form of previews, jobs and rows (snake_case, ISO times, as the JITSudo dialect writes).

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const isoAt = (ms: number) => new Date(ms).toISOString();

export function previewView(preview: LeaverPreview, jobId: string | null, sameFileRun: SameFileWarning | null) {
  return {
    id: preview.id,
    status: jobId ? ("confirmed" as const) : ("pending" as const),
    job_id: jobId,
    file_name: preview.fileName,
    file_sha256: preview.fileSha256,
    total_rows: preview.totalRows,
    counts: preview.counts,
    same_file_recently_run: sameFileRun !== null,
    same_file_run: sameFileRun && { job_id: sameFileRun.jobId, created_at: isoAt(sameFileRun.createdAt) },
    created_by: { type: preview.actorType, id: preview.actorId, name: preview.actorName },
    created_at: isoAt(preview.createdAt),
  };
}

/** A record of the uploaded file as it was classified: what the preview and a job's results both show of a row. */
const fileRowView = (row: PreviewRowView | JobRowView) => ({
  row: row.rowNumber,
  email: row.email,
  reason: row.reason,
  ticket: row.ticket,
  class: row.class,
  user_id: row.userId,
  effective_at: iso(row.effectiveAt ?? null),
});

/** Why an effective_at was refused (the zone does not change whether a value parses). */
const effectiveAtProblem = (row: PreviewRowView) => {
  const parsed = row.class === "invalid_effective_at" ? parseEffectiveAt(row.effectiveAtText, "UTC") : null;
  return parsed && !parsed.ok ? parsed.problem : null;
};

export const previewRowView = (row: PreviewRowView) => ({ ...fileRowView(row), duplicate_of: row.duplicateOf, effective_at_problem: effectiveAtProblem(row) });

export function jobView(job: LeaverJob & Partial<Pick<LeaverJobView, "counts">>, now = Date.now()) {
  const running = job.status === "running" && job.startedAt !== null;
  const elapsed = running ? Math.max(now - (job.startedAt as number), 1) / 1000 : null;
  const rate = elapsed !== null && job.processedRows > 0 ? job.processedRows / elapsed : null;
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    preview_id: job.previewId,
    undo_of_job_id: job.undoOfJobId,
    undone_by_job_id: job.undoneByJobId,
    total_rows: job.totalRows,
    processed_rows: job.processedRows,
    progress: {
      processed: job.processedRows,
      total: job.totalRows,
      percent: job.totalRows === 0 ? 100 : Math.floor((job.processedRows / job.totalRows) * 1000) / 10,
      rate_per_second: rate === null ? null : Math.round(rate),
      eta_seconds: rate === null ? null : Math.ceil((job.totalRows - job.processedRows) / rate),
    },
    ...(job.counts ? { counts: job.counts as Record<string, number> } : {}),
    created_by: { type: job.actorType, id: job.actorId, name: job.actorName },
    created_at: isoAt(job.createdAt),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
  };
}

export const jobRowView = (row: JobRowView) => ({
  ...fileRowView(row),
  outcome: row.outcome,
  outcome_reason: row.outcomeReason,
  processed_at: iso(row.processedAt),
});

/** Rows as CSV lines, every cell escaped against formula injection by the shared rule (csvCell). */
export function csvLines(rows: unknown[][]): string {
  return (
    Papa.unparse(
      rows.map((row) => row.map(csvCell)),
      { newline: "\r\n" },
    ) + "\r\n"
  );
}

const PAGE = 2_000;

/** Rows as CSV text page by page (keyset on the row number), read only as the client takes them: a 100,000-row download stays small in memory. */
async function* csvPages<T extends { rowNumber: number }>(
  header: string[],
  fetch: (afterRow: number) => Promise<T[]>,
  cells: (row: T) => unknown[],
): AsyncGenerator<string> {
  yield csvLines([header]);
  for (let afterRow = 0; ;) {
    const rows = await fetch(afterRow);
    if (rows.length) yield csvLines(rows.map(cells));
    if (rows.length < PAGE) return;
    afterRow = rows[rows.length - 1]!.rowNumber;
  }
}

const CSV = "text/csv; charset=utf-8";

export function previewCsv(db: Db, previewId: string, cls?: LeaverClass): FileBody {
  const body = csvPages(
    ["row", "email", "reason", "ticket", "class", "user_id", "duplicate_of", "effective_at", "effective_at_problem"],
    (afterRow) => listLeaverPreviewRows(db, previewId, { class: cls, afterRow, limit: PAGE }),
    (r) => [r.rowNumber, r.email, r.reason, r.ticket, r.class, r.userId, r.duplicateOf, iso(r.effectiveAt ?? null), effectiveAtProblem(r)],
  );
  return { contentType: CSV, fileName: `leaver-preview-${previewId}.csv`, body };
}

export function resultsCsv(db: Db, jobId: string, outcome?: LeaverOutcome): FileBody {
  const body = csvPages(
    ["row", "email", "reason", "ticket", "class", "outcome", "outcome_reason", "user_id", "processed_at", "effective_at"],
    (afterRow) => listLeaverJobRows(db, jobId, { outcome, afterRow, limit: PAGE }),
    (r) => [
      r.rowNumber,
      r.email,
      r.reason,
      r.ticket,
      r.class,
      r.outcome ?? "pending",
      r.outcomeReason,
      r.userId,
      iso(r.processedAt),
      iso(r.effectiveAt ?? null),
    ],
  );
  return { contentType: CSV, fileName: `leaver-job-${jobId}-results.csv`, body };
}
