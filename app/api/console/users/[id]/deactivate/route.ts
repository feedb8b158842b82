import { deactivateConsoleUser } from "@/lib/console/user-detail-endpoints";

export const dynamic = "force-dynamic";

// POST /api/console/users/{id}/deactivate — deactivate a user after a typed email confirmation (console, admins)
export const POST = deactivateConsoleUser;
