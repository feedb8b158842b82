import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /v1/leaver-jobs/previews/{id} — a preview with one page of rows (?class=&page=&page_size=)
export const GET = endpoints.getPreview;
export const POST = leaverMethodNotAllowed.get;
export const PUT = leaverMethodNotAllowed.get;
export const PATCH = leaverMethodNotAllowed.get;
export const DELETE = leaverMethodNotAllowed.get;
