import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /api/console/leaver-jobs/{id} — a job's status, progress and outcome counts
export const GET = endpoints.getJob;
