import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /v1/leaver-jobs/previews/{id}/rows.csv — the preview's rows as a CSV download (?class=)
export const GET = endpoints.previewRowsCsv;
export const POST = leaverMethodNotAllowed.get;
export const PUT = leaverMethodNotAllowed.get;
export const PATCH = leaverMethodNotAllowed.get;
export const DELETE = leaverMethodNotAllowed.get;
