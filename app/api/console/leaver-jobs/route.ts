import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// POST /api/console/leaver-jobs — confirm a preview (body {previewId}): a queued job, 202
export const POST = endpoints.confirm;
// GET /api/console/leaver-jobs — the tenant's recent leaver jobs
export const GET = endpoints.listJobs;
