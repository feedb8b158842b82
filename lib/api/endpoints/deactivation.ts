import { deactivateUser } from "@/db/queries/user-status";
import { mendixDeactivation } from "../dialects/mendix-deactivation";
import { ApiError } from "../errors";
import { apiRoute, methodNotAllowed } from "../route";
import { deactivationRequest, platformUserParams } from "../schemas";

/** Deactivates one user of the caller's tenant; idempotent; never reveals other tenants' users. */
export const deactivatePlatformUser = apiRoute(
  { dialect: mendixDeactivation, action: "deactivateUser", params: platformUserParams, body: deactivationRequest },
  ({ db, principal, params, body, requestId, authorize }) => {
    if (body.active) {
      throw new ApiError("invalid_input", "This API only deactivates users: active must be false (reactivate users in the console)", {
        details: { active: "must be false" },
      });
    }
    authorize("deactivateUser", { type: "User", id: params.uuid, tenantId: principal.tenantId }, { isSelf: params.uuid === principal.userId });
    const result = deactivateUser(db, {
      tenantId: principal.tenantId,
      userId: params.uuid,
      actor: { ...principal.actor, userId: principal.userId },
      requestId,
    });
    if (result.status === "not-found") throw new ApiError("not_found", `No user ${params.uuid} in your company`);
    return { status: 204 };
  },
);

export const platformUserNotAllowed = methodNotAllowed(mendixDeactivation, ["PATCH"]);
