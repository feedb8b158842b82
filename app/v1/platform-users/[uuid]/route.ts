import { deactivatePlatformUser, platformUserNotAllowed } from "@/lib/api/endpoints/deactivation";

export const dynamic = "force-dynamic";

// PATCH /v1/platform-users/{uuid} — deactivate a user (Mendix User Deactivation API)
export const PATCH = deactivatePlatformUser;
export const GET = platformUserNotAllowed;
export const POST = platformUserNotAllowed;
export const PUT = platformUserNotAllowed;
export const DELETE = platformUserNotAllowed;
export const OPTIONS = platformUserNotAllowed;
