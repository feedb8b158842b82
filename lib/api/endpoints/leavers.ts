import type { z } from "zod";
import { cancelLeaverJob, confirmLeaverPreview, createUndoJob, getLeaverJob, listLeaverJobRows, listLeaverJobs } from "@/db/queries/leaver-jobs";
import { getLeaverPreview, listLeaverPreviewPage, type LeaverActor } from "@/db/queries/leaver-previews";
import { confirmLeaverJobRequest, leaverIdParams as idParams, previewCsvQuery, previewQuery, resultsCsvQuery, resultsQuery, uploadQuery } from "@/lib/leavers/api-schemas";
import { LeaverFileError, MAX_LEAVER_FILE_BYTES } from "@/lib/leavers/parse-csv";
import { previewLeaverFile, sameFileRun } from "@/lib/leavers/preview";
import { CsvDownload, jobRowView, jobView, previewCsv, previewRowView, previewView, resultsCsv } from "@/lib/leavers/views";
import { jitsudo } from "../dialects/jitsudo";
import type { Dialect } from "../dialects/types";
import { ApiError } from "../errors";
import { apiRoute, methodNotAllowed, type HandlerContext, type Principal, type RouteConfig } from "../route";

// Bulk leavers (issue 5): upload → preview → confirm → poll → results → undo. The same handlers
// serve the API (/v1/leaver-jobs, token auth) and the console (/api/console/leaver-jobs, session).

/** JITSudo, plus CSV downloads written as files instead of JSON. */
const jitsudoWithFiles: Dialect = {
  ...jitsudo,
  success(data, status, context) {
    if (!(data instanceof CsvDownload)) return jitsudo.success(data, status, context);
    return new Response(data.body, {
      status,
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${data.fileName}"` },
    });
  },
};

const actorOf = (principal: Principal): LeaverActor => ({ ...principal.actor, userId: principal.userId });
const pageMeta = (page: number, pageSize: number, total: number) => ({ page, page_size: pageSize, total, total_pages: Math.ceil(total / pageSize) });
const fileProblem = (message: string) => new ApiError("invalid_input", message, { details: { file: message } });

/** The uploaded file: a CSV request body (text/csv) or the `file` field of a multipart form. */
async function readUpload(request: Request, queryName: string | undefined): Promise<{ bytes: Uint8Array; fileName: string | null }> {
  const tooLarge = `The file is larger than the limit of ${MAX_LEAVER_FILE_BYTES / 1024 / 1024} MB`;
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (type.startsWith("multipart/form-data")) {
    // Room for the form's own boundaries and headers around a file at the limit.
    if (Number.isFinite(declared) && declared > MAX_LEAVER_FILE_BYTES + 64 * 1024) throw fileProblem(tooLarge);
    const form = await request.formData().catch(() => {
      throw fileProblem("The multipart form could not be read");
    });
    const file = form.get("file");
    if (!(file instanceof Blob)) throw fileProblem("The form needs a file field named \"file\"");
    if (file.size > MAX_LEAVER_FILE_BYTES) throw fileProblem(tooLarge);
    return { bytes: new Uint8Array(await file.arrayBuffer()), fileName: (file instanceof File && file.name) || queryName || null };
  }
  if (type.includes("json") || type.startsWith("application/x-www-form-urlencoded")) {
    throw fileProblem("Send the CSV file itself as the body (Content-Type: text/csv) or as the file field of a multipart form");
  }
  if (Number.isFinite(declared) && declared > MAX_LEAVER_FILE_BYTES) throw fileProblem(tooLarge);
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_LEAVER_FILE_BYTES) {
        await reader.cancel();
        throw fileProblem(tooLarge);
      }
      chunks.push(value);
    }
  }
  return { bytes: Buffer.concat(chunks), fileName: queryName ?? null };
}

type Schema = z.ZodType | undefined;
type Route = (request: Request, args?: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/** apiRoute, with the raw request handed to the handler (the upload reads its body itself). */
function withRequest<B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined>(
  config: RouteConfig<B, Q, P>,
  handler: (context: HandlerContext<B, Q, P>, request: Request) => Promise<{ status: number; data?: unknown }>,
): Route {
  return (request, args) => apiRoute(config, (context) => handler(context, request))(request, args);
}

function jobOr404(context: { db: HandlerContext<undefined, undefined, undefined>["db"]; principal: Principal }, id: string) {
  const job = getLeaverJob(context.db, context.principal.tenantId, id);
  if (!job) throw new ApiError("not_found", `No leaver job ${id}`);
  return job;
}

function leaverEndpoints(auth: "token" | "session") {
  const base = { dialect: jitsudoWithFiles, auth } as const;
  const write = { ...base, action: "bulkDeactivateUsers" } as const;
  const read = { ...base, action: "readLeaverJobs" } as const;

  return {
    /** POST …/previews — upload a CSV; every row classified; nothing changes yet. */
    createPreview: withRequest({ ...write, query: uploadQuery }, async ({ db, principal, query }, request) => {
      const upload = await readUpload(request, query.filename);
      try {
        const { preview, sameFileRun: run } = previewLeaverFile(db, { tenantId: principal.tenantId, actor: actorOf(principal), fileName: upload.fileName, bytes: upload.bytes });
        const rows = listLeaverPreviewPage(db, preview, { offset: 0, limit: 100 });
        return { status: 201, data: { data: { ...previewView(preview, null, run), rows: rows.map(previewRowView) }, meta: pageMeta(1, 100, preview.totalRows) } };
      } catch (error) {
        if (error instanceof LeaverFileError) throw fileProblem(error.message);
        throw error;
      }
    }),

    /** GET …/previews/{id}?class=&page=&page_size= — a stored preview and one page of its rows. */
    getPreview: apiRoute({ ...read, params: idParams, query: previewQuery }, ({ db, principal, params, query }) => {
      const found = getLeaverPreview(db, principal.tenantId, params.id);
      if (!found) throw new ApiError("not_found", `No leaver preview ${params.id}`);
      const { preview, jobId } = found;
      const rows = listLeaverPreviewPage(db, preview, { class: query.class, offset: (query.page - 1) * query.page_size, limit: query.page_size });
      const total = query.class ? preview.counts[query.class] : preview.totalRows;
      const run = jobId ? null : (sameFileRun(db, principal.tenantId, preview.fileSha256) ?? null);
      return { status: 200, data: { data: { ...previewView(preview, jobId, run), rows: rows.map(previewRowView) }, meta: pageMeta(query.page, query.page_size, total) } };
    }),

    /** GET …/previews/{id}/rows.csv?class= — the preview as a CSV download. */
    previewRowsCsv: apiRoute({ ...read, params: idParams, query: previewCsvQuery }, ({ db, principal, params, query }) => {
      if (!getLeaverPreview(db, principal.tenantId, params.id)) throw new ApiError("not_found", `No leaver preview ${params.id}`);
      return { status: 200, data: previewCsv(db, params.id, query.class) };
    }),

    /** POST … {previewId} — confirm a preview: a durable job, queued for the worker. */
    confirm: apiRoute({ ...write, body: confirmLeaverJobRequest }, ({ db, principal, body, requestId }) => {
      const result = confirmLeaverPreview(db, { tenantId: principal.tenantId, previewId: body.previewId, actor: actorOf(principal), requestId });
      switch (result.status) {
        case "not-found":
          throw new ApiError("not_found", `No leaver preview ${body.previewId}`);
        case "not-owner":
          throw new ApiError("forbidden", "A preview can only be confirmed by the admin who uploaded it", { notices: ["leaver-preview-owner"] });
        case "already-confirmed":
          throw new ApiError("conflict", `This preview was already confirmed as job ${result.jobId}`, { details: { previewId: `already confirmed as job ${result.jobId}` } });
        default:
          return { status: 202, data: { data: jobView({ ...result.job, counts: { pending: result.job.totalRows } }) } };
      }
    }),

    /** GET … — the tenant's most recent jobs. */
    listJobs: apiRoute({ ...read }, ({ db, principal }) => ({ status: 200, data: { data: listLeaverJobs(db, principal.tenantId).map((job) => jobView(job)) } })),

    /** GET …/{id} — status, progress (processed/total, rate, ETA) and outcome counts. */
    getJob: apiRoute({ ...read, params: idParams }, ({ db, principal, params }) => ({ status: 200, data: { data: jobView(jobOr404({ db, principal }, params.id)) } })),

    /** GET …/{id}/results?outcome=&page=&page_size= — per-row outcomes. */
    results: apiRoute({ ...read, params: idParams, query: resultsQuery }, ({ db, principal, params, query }) => {
      const job = jobOr404({ db, principal }, params.id);
      const rows = listLeaverJobRows(db, job.id, { outcome: query.outcome, offset: (query.page - 1) * query.page_size, limit: query.page_size });
      const total = query.outcome ? (job.counts[query.outcome] ?? 0) : job.totalRows;
      return { status: 200, data: { data: rows.map(jobRowView), meta: pageMeta(query.page, query.page_size, total) } };
    }),

    /** GET …/{id}/results.csv?outcome= — per-row outcomes as a CSV download. */
    resultsCsv: apiRoute({ ...read, params: idParams, query: resultsCsvQuery }, ({ db, principal, params, query }) => {
      const job = jobOr404({ db, principal }, params.id);
      return { status: 200, data: resultsCsv(db, job.id, query.outcome) };
    }),

    /** POST …/{id}/cancel — stop before the next batch; the remaining rows become "skipped". */
    cancel: apiRoute({ ...write, params: idParams }, ({ db, principal, params, requestId }) => {
      const result = cancelLeaverJob(db, { tenantId: principal.tenantId, jobId: params.id, actor: actorOf(principal), requestId });
      if (result.status === "not-found") throw new ApiError("not_found", `No leaver job ${params.id}`);
      if (result.status === "finished") throw new ApiError("conflict", `The job has already ${result.job.status === "completed" ? "completed" : "been cancelled"}`);
      return { status: 200, data: { data: jobView(getLeaverJob(db, principal.tenantId, params.id)!) } };
    }),

    /** POST …/{id}/undo — a new job that reactivates the users this job deactivated. */
    undo: apiRoute({ ...write, params: idParams }, ({ db, principal, params, requestId }) => {
      const result = createUndoJob(db, { tenantId: principal.tenantId, jobId: params.id, actor: actorOf(principal), requestId });
      switch (result.status) {
        case "not-found":
          throw new ApiError("not_found", `No leaver job ${params.id}`);
        case "not-finished":
          throw new ApiError("conflict", "The job is still running; cancel it or wait until it finishes, then undo it");
        case "not-undoable":
          throw new ApiError("conflict", "An undo job cannot itself be undone");
        case "already-undone":
          throw new ApiError("conflict", `The job was already undone by job ${result.jobId}`);
        default:
          return { status: 202, data: { data: jobView({ ...result.job, counts: { pending: result.job.totalRows } }) } };
      }
    }),
  };
}

export const apiLeaverEndpoints = leaverEndpoints("token");
export const consoleLeaverEndpoints = leaverEndpoints("session");

/** The answer for other methods on each leaver path (API dialect, with Allow). */
export const leaverMethodNotAllowed = {
  get: methodNotAllowed(jitsudo, ["GET"]),
  post: methodNotAllowed(jitsudo, ["POST"]),
  getPost: methodNotAllowed(jitsudo, ["GET", "POST"]),
};
