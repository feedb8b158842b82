import { listDepartmentsRoute, usersReadOnly } from "@/lib/console/users-endpoints";

export const dynamic = "force-dynamic";

// GET /api/console/users/departments — the tenant's distinct departments (cached per process for a minute)
export const GET = listDepartmentsRoute;
export const POST = usersReadOnly;
export const PUT = usersReadOnly;
export const PATCH = usersReadOnly;
export const DELETE = usersReadOnly;
