import { resolveEmailsRoute, resolvePostOnly } from "@/lib/console/users-endpoints";

export const dynamic = "force-dynamic";

// POST /api/console/users/resolve — which of up to 1,000 pasted emails are users of the tenant
export const POST = resolveEmailsRoute;
export const GET = resolvePostOnly;
export const PUT = resolvePostOnly;
export const PATCH = resolvePostOnly;
export const DELETE = resolvePostOnly;
