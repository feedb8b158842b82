import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// POST /v1/leaver-jobs/{id}/cancel — cancel a queued or running job
export const POST = endpoints.cancel;
export const GET = leaverMethodNotAllowed.post;
export const PUT = leaverMethodNotAllowed.post;
export const PATCH = leaverMethodNotAllowed.post;
export const DELETE = leaverMethodNotAllowed.post;
