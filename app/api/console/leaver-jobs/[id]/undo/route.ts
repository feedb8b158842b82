import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// POST /api/console/leaver-jobs/{id}/undo — queue a job reactivating the users this job deactivated, 202
export const POST = endpoints.undo;
