import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /v1/leaver-jobs/{id} — a job's status, progress and outcome counts
export const GET = endpoints.getJob;
export const POST = leaverMethodNotAllowed.get;
export const PUT = leaverMethodNotAllowed.get;
export const PATCH = leaverMethodNotAllowed.get;
export const DELETE = leaverMethodNotAllowed.get;
