import { getConsoleUser } from "@/lib/console/user-detail-endpoints";

export const dynamic = "force-dynamic";

// GET /api/console/users/{id} — one user with contacts, identities and audit history (console)
export const GET = getConsoleUser;
