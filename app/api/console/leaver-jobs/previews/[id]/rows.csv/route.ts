import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /api/console/leaver-jobs/previews/{id}/rows.csv — the preview's rows as a CSV download (?class=)
export const GET = endpoints.previewRowsCsv;
