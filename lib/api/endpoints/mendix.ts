import { deactivateUser } from "@/db/queries/user-status";
import { findUserIdsByEmails } from "@/db/queries/user-lookup";
import { normalizeEmail } from "@/lib/domain/email";
import { mendixDeactivation } from "../dialects/mendix-deactivation";
import { mendixIdentifiers } from "../dialects/mendix-identifiers";
import { defineEndpoint, type HandlerContext } from "../endpoint";
import { ApiError } from "../errors";
import { jsonBytesAllowedBy } from "../request-body";
import { deactivationRequest, emailAddressesRequest, platformUserParams, USER_UUID_EXAMPLE, userIdentifiersResponse } from "../schemas";

const NOT_FOUND_MESSAGE = "No user(s) found with the following email address(es) within your company";
const LOOKUP_DESCRIPTION =
  "Up to 1,000 addresses a request, each at most 200 characters. Addresses are echoed exactly as sent; those not found in your company are listed under `error`.";

/** Email → UUID for up to 1,000 addresses; addresses are echoed exactly as sent. */
async function lookUp({ db, principal, body }: HandlerContext<"token", undefined, undefined, typeof emailAddressesRequest>) {
  const sent = [...new Set(body.emailAddresses.map((item) => item.emailAddress))].map((emailAddress) => ({ emailAddress, key: normalizeEmail(emailAddress) }));
  const found = await findUserIdsByEmails(
    db,
    principal.tenantId,
    sent.map((item) => item.key),
  );
  const identifiers: { emailAddress: string; uuid: string }[] = [];
  const missing: { emailAddress: string }[] = [];
  for (const { emailAddress, key } of sent) {
    const uuid = found.get(key);
    if (uuid) identifiers.push({ emailAddress, uuid });
    else missing.push({ emailAddress });
  }
  const error = missing.length ? { message: NOT_FOUND_MESSAGE, emailAddresses: missing } : ({} as Record<string, never>);
  return { data: { identifiers, error } };
}

const lookup = {
  path: "/api/user-identifiers/v1/uuids",
  dialect: mendixIdentifiers,
  auth: "token",
  action: "lookupUserIds",
  body: emailAddressesRequest,
  maxBodyBytes: jsonBytesAllowedBy(emailAddressesRequest),
  response: { status: 200, description: "The UUIDs found, and the addresses that were not", schema: userIdentifiersResponse },
  errors: [400],
  handler: lookUp,
} as const;
const lookupExample = { emailAddresses: [{ emailAddress: "jane.doe@domain.tld" }] };

// POST /api/user-identifiers/v1/uuids — email addresses → user UUIDs (Mendix User Identifiers)
export const lookupUserIds = defineEndpoint({
  ...lookup,
  operationId: "getUserIdentifiers",
  method: "POST",
  docs: { summary: "Get UUIDs of email addresses", description: LOOKUP_DESCRIPTION, bodyExample: lookupExample },
});

// GET /api/user-identifiers/v1/uuids with a JSON body — the same, as older Mendix docs send it
export const lookupUserIdsWithGet = defineEndpoint({
  ...lookup,
  operationId: "getUserIdentifiersWithGet",
  method: "GET",
  docs: {
    summary: "Get UUIDs of email addresses (GET with a JSON body)",
    description: `The same as POST, for scripts that follow older Mendix docs: the JSON body is sent with GET. ${LOOKUP_DESCRIPTION}`,
    bodyExample: lookupExample,
  },
});

// PATCH /v1/platform-users/{uuid} — deactivate a user (Mendix User Deactivation)
export const deactivatePlatformUser = defineEndpoint({
  operationId: "deactivatePlatformUser",
  method: "PATCH",
  path: "/v1/platform-users/{uuid}",
  dialect: mendixDeactivation,
  auth: "token",
  action: "deactivateUser",
  params: platformUserParams,
  body: deactivationRequest,
  response: { status: 204, description: "Deactivated (or already inactive)" },
  errors: [400, 404],
  docs: {
    summary: "Deactivate a user",
    description:
      "Sets the user inactive, revokes every token and console session of the user and writes one audit event. Idempotent: deactivating an inactive user answers 204 and changes nothing. `active: true` is refused (reactivate in the console). The caller must be an admin and cannot deactivate themselves.",
    parameters: { uuid: { description: "UUID of the user (lowercase).", example: USER_UUID_EXAMPLE } },
    bodyExample: { active: false },
  },
  handler: async ({ db, principal, params, body, requestId, authorize }) => {
    if (body.active) {
      throw new ApiError("invalid_input", "This API only deactivates users: active must be false (reactivate users in the console)", {
        details: { active: "must be false" },
      });
    }
    authorize("deactivateUser", { type: "User", id: params.uuid, tenantId: principal.tenantId }, { isSelf: params.uuid === principal.userId });
    const result = await deactivateUser(db, {
      tenantId: principal.tenantId,
      userId: params.uuid,
      actor: { ...principal.actor, userId: principal.userId },
      requestId,
    });
    if (result.status === "not-found") throw new ApiError("not_found", `No user ${params.uuid} in your company`);
    return { empty: true };
  },
});

export const MENDIX_ENDPOINTS = [lookupUserIds, lookupUserIdsWithGet, deactivatePlatformUser];
