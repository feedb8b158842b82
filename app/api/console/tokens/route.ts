import { createOwnToken, listOwnTokens } from "@/lib/console/token-endpoints";

export const dynamic = "force-dynamic";

// GET /api/console/tokens — the signed-in admin's own tokens (no secrets)
export const GET = listOwnTokens;
// POST /api/console/tokens — create a token; the secret is in this answer and nowhere else
export const POST = createOwnToken;
