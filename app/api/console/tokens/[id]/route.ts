import { revokeOwnToken } from "@/lib/console/token-endpoints";

export const dynamic = "force-dynamic";

// DELETE /api/console/tokens/{id} — revoke one of the signed-in admin's own tokens
export const DELETE = revokeOwnToken;
