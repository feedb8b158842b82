import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /v1/leaver-jobs/{id}/results.csv — per-row outcomes as a CSV download (?outcome=)
export const GET = endpoints.resultsCsv;
export const POST = leaverMethodNotAllowed.get;
export const PUT = leaverMethodNotAllowed.get;
export const PATCH = leaverMethodNotAllowed.get;
export const DELETE = leaverMethodNotAllowed.get;
