import { apiLeaverEndpoints as endpoints, leaverMethodNotAllowed } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// POST /v1/leaver-jobs/previews — upload a leaver CSV (text/csv body or multipart file) and classify every row, 201
export const POST = endpoints.createPreview;
export const GET = leaverMethodNotAllowed.post;
export const PUT = leaverMethodNotAllowed.post;
export const PATCH = leaverMethodNotAllowed.post;
export const DELETE = leaverMethodNotAllowed.post;
