import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /api/console/leaver-jobs/{id}/results — per-row outcomes (?outcome=&page=&page_size=)
export const GET = endpoints.results;
