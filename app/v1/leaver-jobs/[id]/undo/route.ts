import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// POST /v1/leaver-jobs/{id}/undo — queue a job reactivating the users this job deactivated, 202
export const POST = endpoints.undo;
export const GET = leaverMethodNotAllowed.post;
export const PUT = leaverMethodNotAllowed.post;
export const PATCH = leaverMethodNotAllowed.post;
export const DELETE = leaverMethodNotAllowed.post;
