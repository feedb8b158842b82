import { lookupUserIds, userIdentifiersNotAllowed } from "@/lib/api/endpoints/user-identifiers";

export const dynamic = "force-dynamic";

// POST /api/user-identifiers/v1/uuids — email addresses → user UUIDs (Mendix User Identifiers API)
export const POST = lookupUserIds;
// GET /api/user-identifiers/v1/uuids — the same with a JSON body, as older Mendix docs show;
// server/start.ts keeps GET bodies that Next.js would drop.
export const GET = lookupUserIds;
export const PUT = userIdentifiersNotAllowed;
export const PATCH = userIdentifiersNotAllowed;
export const DELETE = userIdentifiersNotAllowed;
export const OPTIONS = userIdentifiersNotAllowed;
