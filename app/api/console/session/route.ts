import { signInRoute, signOutRoute } from "@/lib/console/session-endpoint";

export const dynamic = "force-dynamic";

// POST /api/console/session — sign in with email and password; sets the httpOnly session cookie
export const POST = signInRoute;
// DELETE /api/console/session — sign out: revokes the session and clears the cookie
export const DELETE = signOutRoute;
