import { cancelLeaverJob, confirmLeaverPreview, createUndoJob } from "@/db/queries/leaver-job-lifecycle";
import { getLeaverJob, leaverJobSwitchesOff, listLeaverJobRows, listLeaverJobs, type LeaverJobView } from "@/db/queries/leaver-jobs";
import type { LeaverJob } from "@/db/schema";
import { getLeaverPreview, listLeaverPreviewPage, type LeaverActor } from "@/db/queries/leaver-previews";
import type { Db } from "@/db/client";
import type { Dialect } from "@/lib/api/dialects/types";
import { defineEndpoint, type AnyEndpoint, type Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import type { PolicyAction, PolicyContext, PolicyResource } from "@/lib/auth/policy";
import { readUpload } from "@/lib/api/upload";
import { leaverFileName, MAX_LEAVER_FILE_BYTES, type LeaverContracts } from "@/lib/contracts/leavers";
import { LeaverFileError } from "./parse-csv";
import { previewLeaverFile, sameFileRun } from "./preview";
import { decideJob, viewJobs } from "./approval";
import { jobRowView, previewCsv, previewRowView, previewView, resultsCsv } from "./views";
import { LEAVER_DOCS } from "./docs";
import { announceRunnableLeaverJob } from "./wake";

const actorOf = (principal: Principal): LeaverActor => ({ ...principal.actor, userId: principal.userId });
const pageMeta = (page: number, pageSize: number, total: number) => ({ page, page_size: pageSize, total, total_pages: Math.ceil(total / pageSize) });
/** One job as `principal` sees it, with its approval. */
const oneJob = async (db: Db, principal: Principal, job: LeaverJobView) =>
  (await viewJobs(db, principal, [job], async () => [(await getLeaverJob(db, principal.tenantId, job.id))!]))[0]!;
const newJobView = (db: Db, principal: Principal, job: LeaverJob) => oneJob(db, principal, { ...job, counts: { pending: job.totalRows } });

/** The multipart form's file name, held to the query's rule: it is kept with the preview and in its audit event. */
function formFileName(name: string): string {
  const parsed = leaverFileName.safeParse(name);
  if (!parsed.success) throw new ApiError("invalid_input", `The file's name: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

// What a 409 says of a job that has ended (cancel), or that has nothing to undo yet (undo), by its status.
const FINISHED: Partial<Record<LeaverJob["status"], string>> = {
  completed: "The job has already completed; undo it to reactivate the users it deactivated",
  cancelled: "The job has already been cancelled",
  rejected: "The job was rejected by an approver and never ran: there is nothing to cancel",
  expired: "The job's approval request expired and it never ran: there is nothing to cancel",
};
const NOT_UNDONE: Partial<Record<LeaverJob["status"], string>> = {
  awaiting_approval: "The job is waiting for approval and has deactivated no one; cancel it instead",
  rejected: "The job was rejected by an approver and deactivated no one: there is nothing to undo",
  expired: "The job's approval request expired and it deactivated no one: there is nothing to undo",
};

async function jobOr404(db: Db, principal: Principal, id: string) {
  const job = await getLeaverJob(db, principal.tenantId, id);
  if (!job) throw new ApiError("not_found", `No leaver job ${id}`);
  return job;
}

/**
 * Asks the policies about `action` on the job: no one cancels, undoes or rejects a job that switches their
 * own user off (no-self-deactivation). Its rows never change user, and a row that does not switch its user
 * off never comes to, so the answer holds for the action's transaction after it.
 */
async function authorizeOnJob(
  db: Db,
  principal: Principal,
  authorize: (action: PolicyAction, resource: PolicyResource, context: PolicyContext) => void,
  action: PolicyAction,
  id: string,
) {
  const job = await jobOr404(db, principal, id);
  authorize(action, { type: "LeaverJob", id: job.id, tenantId: job.tenantId }, { isSelf: await leaverJobSwitchesOff(db, job, principal.userId) });
}

/**
 * The bulk leaver endpoints (upload → preview → confirm → poll → results → undo) under the given
 * contracts: the API places them in the JITSudo dialect with tokens (lib/api/endpoints/leavers.ts),
 * the console under its own base with problem+json and its session. One set of handlers.
 */
export function leaverEndpoints(options: { contracts: LeaverContracts; dialect: Dialect; auth: "token" | "session"; operationPrefix: string }): AnyEndpoint[] {
  const { contracts: c, dialect, auth } = options;
  const base = { dialect, auth } as const;
  const write = { ...base, action: "bulkDeactivateUsers" } as const;
  const read = { ...base, action: "readLeaverJobs" } as const;
  const reject = { ...base, action: "rejectLeaverJob" } as const;
  // Starting (confirming or approving), stopping (cancelling or rejecting) or undoing a job needs a recent authentication
  // in the console (docs/decisions/0023); a token has none to renew.
  const stepUp = auth === "session" ? ({ stepUp: true } as const) : {};
  const op = (name: keyof LeaverContracts) => {
    const { operationId, ...docs } = LEAVER_DOCS[name];
    return { operationId: options.operationPrefix ? `${options.operationPrefix}${operationId[0]!.toUpperCase()}${operationId.slice(1)}` : operationId, docs };
  };

  return [
    defineEndpoint({
      ...c.createPreview,
      ...write,
      ...op("createPreview"),
      upload: {
        contentTypes: ["text/csv", "multipart/form-data"],
        maxBytes: MAX_LEAVER_FILE_BYTES,
        description: "The CSV file as the body, or the `file` field of a multipart form",
      },
      errors: [400],
      handler: async ({ db, principal, query, request }) => {
        const upload = await readUpload(request, MAX_LEAVER_FILE_BYTES);
        try {
          const fileName = upload.fileName?.trim() ? formFileName(upload.fileName) : (query.filename ?? null);
          const { preview, sameFileRun: run } = await previewLeaverFile(db, {
            tenantId: principal.tenantId,
            actor: actorOf(principal),
            fileName,
            bytes: upload.bytes,
          });
          const rows = await listLeaverPreviewPage(db, preview, { offset: 0, limit: 100 });
          return { data: { data: { ...previewView(preview, null, run), rows: rows.map(previewRowView) }, meta: pageMeta(1, 100, preview.totalRows) } };
        } catch (error) {
          if (error instanceof LeaverFileError) throw new ApiError("invalid_input", error.message, { details: { file: error.message } });
          throw error;
        }
      },
    }),
    defineEndpoint({
      ...c.getPreview,
      ...read,
      ...op("getPreview"),
      errors: [400, 404],
      handler: async ({ db, principal, params, query }) => {
        const found = await getLeaverPreview(db, principal.tenantId, params.id);
        if (!found) throw new ApiError("not_found", `No leaver preview ${params.id}`);
        const { preview, jobId } = found;
        const rows = await listLeaverPreviewPage(db, preview, { class: query.class, offset: (query.page - 1) * query.page_size, limit: query.page_size });
        const total = query.class ? preview.counts[query.class] : preview.totalRows;
        const run = jobId ? null : ((await sameFileRun(db, principal.tenantId, preview.fileSha256)) ?? null);
        return { data: { data: { ...previewView(preview, jobId, run), rows: rows.map(previewRowView) }, meta: pageMeta(query.page, query.page_size, total) } };
      },
    }),
    defineEndpoint({
      ...c.previewRowsCsv,
      ...read,
      ...op("previewRowsCsv"),
      errors: [400, 404],
      handler: async ({ db, principal, params, query }) => {
        if (!(await getLeaverPreview(db, principal.tenantId, params.id))) throw new ApiError("not_found", `No leaver preview ${params.id}`);
        return { file: previewCsv(db, params.id, query.class) };
      },
    }),
    defineEndpoint({
      ...c.confirm,
      ...write,
      ...op("confirm"),
      ...stepUp,
      errors: [400, 404, 409, 413],
      handler: async ({ db, principal, body, requestId }) => {
        const result = await confirmLeaverPreview(db, { tenantId: principal.tenantId, previewId: body.previewId, actor: actorOf(principal), requestId });
        switch (result.status) {
          case "not-found":
            throw new ApiError("not_found", `No leaver preview ${body.previewId}`);
          case "not-owner":
            throw new ApiError("forbidden", "A preview can only be confirmed by the admin who uploaded it", { notices: ["leaver-preview-owner"] });
          case "already-confirmed":
            throw new ApiError("conflict", `This preview was already confirmed as job ${result.jobId}`, {
              details: { previewId: `already confirmed as job ${result.jobId}` },
            });
          default:
            if (result.job.status === "queued") announceRunnableLeaverJob();
            return { data: { data: await newJobView(db, principal, result.job) } };
        }
      },
    }),
    defineEndpoint({
      ...c.listJobs,
      ...read,
      ...op("listJobs"),
      handler: async ({ db, principal }) => {
        const list = () => listLeaverJobs(db, principal.tenantId);
        return { data: { data: await viewJobs(db, principal, await list(), list) } };
      },
    }),
    defineEndpoint({
      ...c.getJob,
      ...read,
      ...op("getJob"),
      errors: [400, 404],
      handler: async ({ db, principal, params }) => ({ data: { data: await oneJob(db, principal, await jobOr404(db, principal, params.id)) } }),
    }),
    defineEndpoint({
      ...c.results,
      ...read,
      ...op("results"),
      errors: [400, 404],
      handler: async ({ db, principal, params, query }) => {
        const job = await jobOr404(db, principal, params.id);
        const rows = await listLeaverJobRows(db, job.id, { outcome: query.outcome, offset: (query.page - 1) * query.page_size, limit: query.page_size });
        const total = query.outcome ? (job.counts[query.outcome] ?? 0) : job.totalRows;
        return { data: { data: rows.map(jobRowView), meta: pageMeta(query.page, query.page_size, total) } };
      },
    }),
    defineEndpoint({
      ...c.resultsCsv,
      ...read,
      ...op("resultsCsv"),
      errors: [400, 404],
      handler: async ({ db, principal, params, query }) => ({ file: resultsCsv(db, (await jobOr404(db, principal, params.id)).id, query.outcome) }),
    }),
    defineEndpoint({
      ...c.cancel,
      ...write,
      ...op("cancel"),
      // Cancelling stops switching people off, as undoing switches them back on.
      ...stepUp,
      errors: [400, 404, 409],
      handler: async ({ db, principal, params, requestId, authorize }) => {
        await authorizeOnJob(db, principal, authorize, write.action, params.id);
        const result = await cancelLeaverJob(db, { tenantId: principal.tenantId, jobId: params.id, actor: actorOf(principal), requestId });
        if (result.status === "not-found") throw new ApiError("not_found", `No leaver job ${params.id}`);
        if (result.status === "finished") throw new ApiError("conflict", FINISHED[result.job.status] ?? `The job is ${result.job.status}`);
        return { data: { data: await oneJob(db, principal, await jobOr404(db, principal, params.id)) } };
      },
    }),
    defineEndpoint({
      ...c.approve,
      ...base,
      action: "approveLeaverJob",
      ...op("approve"),
      // Approving starts the job, as confirming does.
      ...stepUp,
      errors: [400, 403, 404, 409],
      handler: async ({ db, principal, params, body, requestId }) => {
        await decideJob(db, principal, { jobId: params.id, decision: "approved", note: body.note || null, requestId });
        announceRunnableLeaverJob();
        return { data: { data: await oneJob(db, principal, await jobOr404(db, principal, params.id)) } };
      },
    }),
    defineEndpoint({
      ...c.reject,
      ...reject,
      ...op("reject"),
      // Rejecting stops a job before it switches anyone off, as cancelling does.
      ...stepUp,
      errors: [400, 403, 404, 409],
      handler: async ({ db, principal, params, body, requestId, authorize }) => {
        await authorizeOnJob(db, principal, authorize, reject.action, params.id);
        await decideJob(db, principal, { jobId: params.id, decision: "rejected", note: body.note, requestId });
        return { data: { data: await oneJob(db, principal, await jobOr404(db, principal, params.id)) } };
      },
    }),
    defineEndpoint({
      ...c.undo,
      ...write,
      ...op("undo"),
      ...stepUp,
      errors: [400, 404, 409],
      handler: async ({ db, principal, params, requestId, authorize }) => {
        await authorizeOnJob(db, principal, authorize, write.action, params.id);
        const result = await createUndoJob(db, { tenantId: principal.tenantId, jobId: params.id, actor: actorOf(principal), requestId });
        switch (result.status) {
          case "not-found":
            throw new ApiError("not_found", `No leaver job ${params.id}`);
          case "not-finished":
            throw new ApiError("conflict", NOT_UNDONE[result.jobStatus] ?? "The job is still running; cancel it or wait until it finishes, then undo it");
          case "not-undoable":
            throw new ApiError("conflict", "An undo job cannot itself be undone");
          case "already-undone":
            throw new ApiError("conflict", `The job was already undone by job ${result.jobId}`);
          default:
            if (result.job.status === "queued") announceRunnableLeaverJob();
            return { data: { data: await newJobView(db, principal, result.job) } };
        }
      },
    }),
  ];
}
