import { listUsersRoute, usersReadOnly } from "@/lib/console/users-endpoints";

export const dynamic = "force-dynamic";

// GET /api/console/users — one page of the tenant's users: email prefix search, status and department filters, sort
export const GET = listUsersRoute;
export const POST = usersReadOnly;
export const PUT = usersReadOnly;
export const PATCH = usersReadOnly;
export const DELETE = usersReadOnly;
