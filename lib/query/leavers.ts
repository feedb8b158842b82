import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { consoleFetch, currentCsrfToken, readConsoleAnswer } from "@/lib/console/fetch";
import { contractHref, contractPath } from "@/lib/contracts/contract";
import { leaverApprovalContracts as approvalContracts } from "@/lib/contracts/leaver-approval";
import {
  consoleLeavers as c,
  consoleLeaverJobViewer,
  type jobRow,
  type leaverJob,
  type leaverPreview,
  type previewResponse,
  type resultsResponse,
} from "@/lib/contracts/leavers";
import { leaverKeys, type LeaverPreviewFilters, type LeaverResultFilters } from "./keys";

// Bulk leavers in the console: the routes and wire shapes of lib/contracts/leavers.ts, under the console's base.

export type LeaverPreviewDto = z.infer<typeof leaverPreview>;
export type LeaverPreviewPage = z.infer<typeof previewResponse>;
export type LeaverJobDto = z.infer<typeof leaverJob>;
export type LeaverJobRowDto = z.infer<typeof jobRow>;
export type LeaverResultsPage = z.infer<typeof resultsResponse>;

export { MAX_LEAVER_FILE_BYTES } from "@/lib/contracts/leavers";
export const LEAVER_PAGE_SIZE = 25;
/** How often a queued or running job is polled. */
export const LEAVER_POLL_MS = 500;

export function leaverPreviewQuery(id: string, filters: LeaverPreviewFilters) {
  const query = {
    page: String(filters.page),
    page_size: String(LEAVER_PAGE_SIZE),
    ...(filters.class && { class: filters.class as LeaverPreviewDto["rows"][number]["class"] }),
  };
  return queryOptions({
    queryKey: leaverKeys.preview(id, filters),
    queryFn: ({ signal }) => consoleFetch(c.getPreview, { params: { id }, query, signal }),
    placeholderData: keepPreviousData,
  });
}

export const isRunning = (job: Pick<LeaverJobDto, "status"> | undefined) => job?.status === "queued" || job?.status === "running";

export const isAwaitingApproval = (job: Pick<LeaverJobDto, "status"> | undefined) => job?.status === "awaiting_approval";
/** How often a job awaiting a second admin is polled: its creator's page follows the decision. */
export const APPROVAL_POLL_MS = 3_000;

export function leaverJobQuery(id: string) {
  return queryOptions({
    queryKey: leaverKeys.job(id),
    queryFn: async ({ signal }) => (await consoleFetch(c.getJob, { params: { id }, signal })).data,
    refetchInterval: (query) => (isRunning(query.state.data) ? LEAVER_POLL_MS : isAwaitingApproval(query.state.data) ? APPROVAL_POLL_MS : false),
  });
}

/** Whether the job switches the signed-in admin off: asked once per job (a job's rows never change their user). */
export function leaverJobViewerQuery(id: string) {
  return queryOptions({
    queryKey: leaverKeys.jobViewer(id),
    queryFn: async ({ signal }) => (await consoleFetch(consoleLeaverJobViewer, { params: { id }, signal })).data,
    staleTime: Infinity,
  });
}

export function leaverResultsQuery(id: string, filters: LeaverResultFilters) {
  const query = {
    page: String(filters.page),
    page_size: String(LEAVER_PAGE_SIZE),
    ...(filters.outcome && { outcome: filters.outcome as LeaverJobRowDto["outcome"] & string }),
  };
  return queryOptions({
    queryKey: leaverKeys.results(id, filters),
    queryFn: ({ signal }) => consoleFetch(c.results, { params: { id }, query, signal }),
    placeholderData: keepPreviousData,
  });
}

export function leaverJobListQuery() {
  return queryOptions({
    queryKey: leaverKeys.jobList(),
    queryFn: async ({ signal }) => (await consoleFetch(c.listJobs, { signal })).data,
    // Slower than one job's own view: the list only needs to show statuses moving on.
    refetchInterval: (query) => (query.state.data?.some(isRunning) ? LEAVER_POLL_MS * 4 : false),
  });
}

export const previewCsvHref = (id: string) => contractHref(c.previewRowsCsv, { id });
export const resultsCsvHref = (id: string) => contractHref(c.resultsCsv, { id });

/** Uploads the file as a multipart form (the browser streams it), with the page's CSRF token. */
export async function uploadLeaverFile(file: File, csrfToken = currentCsrfToken()): Promise<LeaverPreviewDto> {
  const form = new FormData();
  form.set("file", file, file.name);
  const response = await fetch(contractPath(c.createPreview), {
    method: "POST",
    body: form,
    headers: { "x-csrf-token": csrfToken },
    credentials: "same-origin",
  });
  return (await readConsoleAnswer(response, c.createPreview.response.schema)).data;
}

export async function confirmLeaverPreviewRequest(previewId: string): Promise<LeaverJobDto> {
  return (await consoleFetch(c.confirm, { body: { previewId } })).data;
}

export async function cancelLeaverJobRequest(id: string): Promise<LeaverJobDto> {
  return (await consoleFetch(c.cancel, { params: { id } })).data;
}

export async function undoLeaverJobRequest(id: string): Promise<LeaverJobDto> {
  return (await consoleFetch(c.undo, { params: { id } })).data;
}

/** A second admin's decision on a job awaiting approval (a rejection needs its note). */
export async function decideLeaverJobRequest(id: string, decision: "approve" | "reject", note: string): Promise<LeaverJobDto> {
  return (await consoleFetch(c[decision], { params: { id }, body: { note } })).data;
}

/** The tenant's approval threshold for bulk jobs, and whether the signed-in admin may change it. */
export function approvalSettingQuery() {
  return queryOptions({
    queryKey: leaverKeys.approvalSetting(),
    queryFn: async ({ signal }) => (await consoleFetch(approvalContracts.get, { signal })).data,
  });
}

export const setApprovalThresholdRequest = async (threshold: number | null) => (await consoleFetch(approvalContracts.set, { body: { threshold } })).data;

/** Another admin approves or rejects a looser threshold waiting for them; its requester withdraws it ("reject"). */
export const decideThresholdChangeRequest = async (id: string, decision: "approve" | "reject") =>
  (await consoleFetch(approvalContracts[decision], { params: { id }, body: {} })).data;
