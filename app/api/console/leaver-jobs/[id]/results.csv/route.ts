import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /api/console/leaver-jobs/{id}/results.csv — per-row outcomes as a CSV download (?outcome=)
export const GET = endpoints.resultsCsv;
