import { linkIdentity, listIdentitiesOfUser, userExistsInTenant, type IdentityView } from "@/db/queries/identities";
import { jitsudo } from "../dialects/jitsudo";
import { defineEndpoint } from "../endpoint";
import { ApiError } from "../errors";
import { identitiesResponse, identityResponse, linkIdentityRequest, USER_UUID_EXAMPLE, userIdParams } from "../schemas";

const iso = (ms: number) => new Date(ms).toISOString();

/** The JITSudo wire form: snake_case, ISO timestamps, optional fields left out when empty. */
export function toJitsudoIdentity(identity: IdentityView) {
  return {
    id: identity.id,
    user_id: identity.userId,
    identity_provider_id: identity.identityProviderId,
    provider_name: identity.providerName,
    provider_type: identity.providerType,
    external_id: identity.externalId,
    ...(identity.externalUsername !== null && { external_username: identity.externalUsername }),
    ...(identity.externalEmail !== null && { external_email: identity.externalEmail }),
    ...(identity.externalDisplayName !== null && { external_display_name: identity.externalDisplayName }),
    linked_by: identity.linkedBy,
    ...(identity.lastSyncedAt !== null && { last_synced_at: iso(identity.lastSyncedAt) }),
    created_at: iso(identity.createdAt),
    updated_at: iso(identity.updatedAt),
  };
}

const PATH = "/v1/users/{id}/identities";
const idDoc = { id: { description: "UUID of the user.", example: USER_UUID_EXAMPLE } };

// GET /v1/users/{id}/identities — a user's accounts at identity providers (JITSudo)
export const listUserIdentities = defineEndpoint({
  operationId: "listUserIdentities",
  method: "GET",
  path: PATH,
  dialect: jitsudo,
  auth: "token",
  action: "listIdentities",
  params: userIdParams,
  response: { status: 200, description: "The user's identities", schema: identitiesResponse },
  errors: [400, 404],
  docs: { summary: "List a user's identities", description: "The user's accounts at identity providers (OIDC, SAML, SCIM, LDAP).", parameters: idDoc },
  handler: async ({ db, principal, params }) => {
    if (!(await userExistsInTenant(db, principal.tenantId, params.id))) throw new ApiError("not_found", `No user ${params.id}`);
    return { data: { data: (await listIdentitiesOfUser(db, principal.tenantId, params.id)).map(toJitsudoIdentity) } };
  },
});

// POST /v1/users/{id}/identities — link an account at one of the tenant's providers (JITSudo)
export const createUserIdentity = defineEndpoint({
  operationId: "createUserIdentity",
  method: "POST",
  path: PATH,
  dialect: jitsudo,
  auth: "token",
  action: "linkIdentity",
  params: userIdParams,
  body: linkIdentityRequest,
  response: { status: 201, description: "The identity, linked", schema: identityResponse },
  errors: [400, 404, 409, 413],
  docs: {
    summary: "Link an identity to a user",
    description: "Links an account at one of your tenant's identity providers to the user, with `linked_by: manual`. Admins only.",
    parameters: idDoc,
    bodyExample: { identity_provider_id: "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", external_id: "00u1abcd", external_email: "jane.doe@domain.tld" },
  },
  handler: async ({ db, principal, params, body, requestId }) => {
    const result = await linkIdentity(db, {
      tenantId: principal.tenantId,
      userId: params.id,
      identityProviderId: body.identity_provider_id,
      externalId: body.external_id,
      externalUsername: body.external_username,
      externalEmail: body.external_email,
      externalDisplayName: body.external_display_name,
      actor: principal.actor,
      requestId,
    });
    switch (result.status) {
      case "user-not-found":
        throw new ApiError("not_found", `No user ${params.id}`);
      case "provider-not-found":
        throw new ApiError("invalid_input", "identity_provider_id names no identity provider of your tenant", {
          details: { identity_provider_id: "unknown identity provider" },
        });
      case "already-linked":
        throw new ApiError("conflict", `That account is already linked (identity ${result.identityId})`, {
          details: { external_id: "already linked at this provider" },
        });
      default:
        return { data: { data: toJitsudoIdentity(result.identity) } };
    }
  },
});

export const IDENTITY_ENDPOINTS = [listUserIdentities, createUserIdentity];
