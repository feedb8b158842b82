import { reactivateConsoleUser } from "@/lib/console/user-detail-endpoints";

export const dynamic = "force-dynamic";

// POST /api/console/users/{id}/reactivate — switch a deactivated user back on (console, admins)
export const POST = reactivateConsoleUser;
