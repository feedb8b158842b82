import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { ConsoleApiError, consoleFetch } from "@/lib/console/fetch";
import type { jobRow, leaverJob, leaverPreview, previewResponse, resultsResponse } from "@/lib/leavers/api-schemas";
import { leaverKeys, type LeaverPreviewFilters, type LeaverResultFilters } from "./keys";

// Bulk leavers in the console (issue 5): the wire shapes are the JITSudo ones of
// lib/leavers/api-schemas.ts (type-only imports, so no server code reaches the browser).

export type LeaverPreviewDto = z.infer<typeof leaverPreview>;
export type LeaverPreviewPage = z.infer<typeof previewResponse>;
export type LeaverJobDto = z.infer<typeof leaverJob>;
export type LeaverJobRowDto = z.infer<typeof jobRow>;
export type LeaverResultsPage = z.infer<typeof resultsResponse>;

const BASE = "/api/console/leaver-jobs";
/** The server's limit (lib/leavers/parse-csv.ts), checked before sending so a big file is not uploaded for nothing. */
export const MAX_LEAVER_FILE_BYTES = 20 * 1024 * 1024;
export const LEAVER_PAGE_SIZE = 25;
/** How often a queued or running job is polled. */
export const LEAVER_POLL_MS = 500;

const enc = encodeURIComponent;

export function leaverPreviewQuery(id: string, filters: LeaverPreviewFilters) {
  const params = new URLSearchParams({ page: String(filters.page), page_size: String(LEAVER_PAGE_SIZE) });
  if (filters.class) params.set("class", filters.class);
  return queryOptions({
    queryKey: leaverKeys.preview(id, filters),
    queryFn: ({ signal }) => consoleFetch<LeaverPreviewPage>(`${BASE}/previews/${enc(id)}?${params}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export const isRunning = (job: Pick<LeaverJobDto, "status"> | undefined) => job?.status === "queued" || job?.status === "running";

export function leaverJobQuery(id: string) {
  return queryOptions({
    queryKey: leaverKeys.job(id),
    queryFn: async ({ signal }) => (await consoleFetch<{ data: LeaverJobDto }>(`${BASE}/${enc(id)}`, { signal })).data,
    refetchInterval: (query) => (isRunning(query.state.data) ? LEAVER_POLL_MS : false),
  });
}

export function leaverResultsQuery(id: string, filters: LeaverResultFilters) {
  const params = new URLSearchParams({ page: String(filters.page), page_size: String(LEAVER_PAGE_SIZE) });
  if (filters.outcome) params.set("outcome", filters.outcome);
  return queryOptions({
    queryKey: leaverKeys.results(id, filters),
    queryFn: ({ signal }) => consoleFetch<LeaverResultsPage>(`${BASE}/${enc(id)}/results?${params}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function leaverJobListQuery() {
  return queryOptions({
    queryKey: leaverKeys.jobList(),
    queryFn: async ({ signal }) => (await consoleFetch<{ data: LeaverJobDto[] }>(BASE, { signal })).data,
    // Slower than one job's own view: the list only needs to show statuses moving on.
    refetchInterval: (query) => (query.state.data?.some(isRunning) ? LEAVER_POLL_MS * 4 : false),
  });
}

export const previewCsvHref = (id: string) => `${BASE}/previews/${enc(id)}/rows.csv`;
export const resultsCsvHref = (id: string) => `${BASE}/${enc(id)}/results.csv`;

/**
 * Uploads the file as a multipart form (the browser streams it). Not consoleFetch: that one sends
 * JSON, so the CSRF token (from the session, handed down by the page) is set here.
 */
export async function uploadLeaverFile(file: File, csrfToken: string): Promise<LeaverPreviewDto> {
  const form = new FormData();
  form.set("file", file, file.name);
  const response = await fetch(`${BASE}/previews`, { method: "POST", body: form, headers: { "x-csrf-token": csrfToken }, credentials: "same-origin" });
  const body = (await response.json().catch(() => null)) as (LeaverPreviewPage & { code?: string; message?: string; details?: Record<string, string> }) | null;
  if (!response.ok) {
    // Signed out meanwhile: a full page load to the sign-in page, as consoleFetch does.
    if (response.status === 401) window.location.assign(new URL(`/login?next=${enc("/leavers")}`, window.location.origin).href);
    throw new ConsoleApiError(response.status, body?.code ?? "error", body?.message ?? `Upload failed (${response.status})`, body?.details);
  }
  return body!.data;
}

export async function confirmLeaverPreviewRequest(previewId: string): Promise<LeaverJobDto> {
  return (await consoleFetch<{ data: LeaverJobDto }>(BASE, { method: "POST", body: { previewId } })).data;
}

export async function cancelLeaverJobRequest(id: string): Promise<LeaverJobDto> {
  return (await consoleFetch<{ data: LeaverJobDto }>(`${BASE}/${enc(id)}/cancel`, { method: "POST" })).data;
}

export async function undoLeaverJobRequest(id: string): Promise<LeaverJobDto> {
  return (await consoleFetch<{ data: LeaverJobDto }>(`${BASE}/${enc(id)}/undo`, { method: "POST" })).data;
}
