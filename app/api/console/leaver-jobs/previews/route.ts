import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// POST /api/console/leaver-jobs/previews — upload a leaver CSV (text/csv body or multipart file) and classify every row, 201
export const POST = endpoints.createPreview;
