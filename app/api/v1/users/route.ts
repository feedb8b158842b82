import { listUsersRoute, os1ReadOnly } from "@/lib/api/endpoints/os1-users";

export const dynamic = "force-dynamic";

// GET /api/v1/users — ListUsers (Delhivery OS1)
export const GET = listUsersRoute;
export const POST = os1ReadOnly;
export const PUT = os1ReadOnly;
export const PATCH = os1ReadOnly;
export const DELETE = os1ReadOnly;
export const OPTIONS = os1ReadOnly;
