import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /v1/leaver-jobs/{id}/results — per-row outcomes (?outcome=&page=&page_size=)
export const GET = endpoints.results;
export const POST = leaverMethodNotAllowed.get;
export const PUT = leaverMethodNotAllowed.get;
export const PATCH = leaverMethodNotAllowed.get;
export const DELETE = leaverMethodNotAllowed.get;
