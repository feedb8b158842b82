import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// POST /api/console/leaver-jobs/{id}/cancel — cancel a queued or running job
export const POST = endpoints.cancel;
