import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// POST /v1/leaver-jobs — confirm a preview (body {previewId}): a queued job, 202
export const POST = endpoints.confirm;
// GET /v1/leaver-jobs — the tenant's recent leaver jobs
export const GET = endpoints.listJobs;
export const PUT = leaverMethodNotAllowed.getPost;
export const PATCH = leaverMethodNotAllowed.getPost;
export const DELETE = leaverMethodNotAllowed.getPost;
