import { linkIdentity, listIdentitiesOfUser, userExistsInTenant, type IdentityView } from "@/db/queries/identities";
import { jitsudo } from "../dialects/jitsudo";
import { ApiError } from "../errors";
import { apiRoute, methodNotAllowed } from "../route";
import { linkIdentityRequest, userIdParams } from "../schemas";

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

export const listUserIdentities = apiRoute({ dialect: jitsudo, action: "listIdentities", params: userIdParams }, ({ db, principal, params }) => {
  if (!userExistsInTenant(db, principal.tenantId, params.id)) throw new ApiError("not_found", `No user ${params.id}`);
  return { status: 200, data: { data: listIdentitiesOfUser(db, principal.tenantId, params.id).map(toJitsudoIdentity) } };
});

export const createUserIdentity = apiRoute(
  { dialect: jitsudo, action: "linkIdentity", params: userIdParams, body: linkIdentityRequest },
  ({ db, principal, params, body, requestId }) => {
    const result = linkIdentity(db, {
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
        throw new ApiError("invalid_input", "identity_provider_id names no identity provider of your tenant", { details: { identity_provider_id: "unknown identity provider" } });
      case "already-linked":
        throw new ApiError("conflict", `That account is already linked (identity ${result.identityId})`, { details: { external_id: "already linked at this provider" } });
      default:
        return { status: 201, data: { data: toJitsudoIdentity(result.identity) } };
    }
  },
);

export const userIdentitiesNotAllowed = methodNotAllowed(jitsudo, ["GET", "POST"]);
