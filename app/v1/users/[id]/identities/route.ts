import { createUserIdentity, listUserIdentities, userIdentitiesNotAllowed } from "@/lib/api/endpoints/identities";

export const dynamic = "force-dynamic";

// GET /v1/users/{id}/identities — list a user's linked identities (JITSudo)
export const GET = listUserIdentities;
// POST /v1/users/{id}/identities — link an identity, linked_by manual (JITSudo)
export const POST = createUserIdentity;
export const PUT = userIdentitiesNotAllowed;
export const PATCH = userIdentitiesNotAllowed;
export const DELETE = userIdentitiesNotAllowed;
export const OPTIONS = userIdentitiesNotAllowed;
