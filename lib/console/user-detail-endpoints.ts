import { z } from "zod";
import { deactivateUser, reactivateUser } from "@/db/queries/user-status";
import { getUserDetail, type UserDetail } from "@/db/queries/user-detail";
import { findUserByRef } from "@/db/queries/user-directory";
import { normalizeEmail } from "@/lib/domain/email";
import { jitsudo } from "@/lib/api/dialects/jitsudo";
import { ApiError } from "@/lib/api/errors";
import { apiRoute, type Principal } from "@/lib/api/route";
import { userIdParams } from "@/lib/api/schemas";
import { authorize, type PolicyPrincipal } from "@/lib/auth/policy";
import { scopesForRole } from "@/lib/auth/scopes";
import type { AdminRole } from "@/db/schema";
import type { DeactivateResultDto, ReactivateResultDto, UserDetailDto, UserPropertiesDto } from "@/lib/query/user-detail";

const iso = (ms: number) => new Date(ms).toISOString();

/** The console's wire form of a user page: ISO timestamps, only the fields the page shows. */
export function toUserDetailDto(detail: UserDetail): UserDetailDto {
  const { user } = detail;
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      active: user.active,
      state: user.state,
      uniqueCode: user.uniqueCode,
      userCode: user.userCode,
      aaaId: user.aaaId,
      category: user.category,
      subCategory: user.subCategory,
      properties: user.properties as UserPropertiesDto,
      createdAt: iso(user.createdAt),
      updatedAt: iso(user.updatedAt),
      deactivatedAt: user.deactivatedAt === null ? null : iso(user.deactivatedAt),
      deactivatedBy: user.deactivatedBy ?? null,
    },
    contacts: detail.contacts,
    identities: detail.identities.map((identity) => ({
      id: identity.id,
      providerName: identity.providerName,
      providerType: identity.providerType,
      externalId: identity.externalId,
      externalUsername: identity.externalUsername,
      externalEmail: identity.externalEmail,
      externalDisplayName: identity.externalDisplayName,
      linkedBy: identity.linkedBy,
      lastSyncedAt: identity.lastSyncedAt === null ? null : iso(identity.lastSyncedAt),
      createdAt: iso(identity.createdAt),
    })),
    access: detail.access,
    audit:
      detail.audit?.map((event) => ({
        id: event.id,
        at: iso(event.createdAt),
        actorName: event.actorName,
        actorType: event.actorType,
        action: event.action,
        outcome: event.outcome,
        details: event.details ?? null,
      })) ?? null,
  };
}

/** What the signed-in admin may do on one user's page, decided by the same Cedar policies as the endpoints. */
export type UserPagePermissions = { deactivate: boolean; reactivate: boolean; readAudit: boolean; isSelf: boolean };

export function userPagePermissions(session: { sessionId: string; tenantId: string; role: AdminRole; userId: string }, userId: string): UserPagePermissions {
  const principal: PolicyPrincipal = { tokenId: session.sessionId, tenantId: session.tenantId, role: session.role, scopes: scopesForRole(session.role) };
  const tenant = { type: "Tenant" as const, id: session.tenantId, tenantId: session.tenantId };
  const user = { type: "User" as const, id: userId, tenantId: session.tenantId };
  const isSelf = userId === session.userId;
  const allowed = (action: "deactivateUser" | "reactivateUser") =>
    authorize(principal, action, tenant).allowed && authorize(principal, action, user, { isSelf }).allowed;
  return {
    deactivate: allowed("deactivateUser"),
    reactivate: allowed("reactivateUser"),
    readAudit: authorize(principal, "readAuditLog", tenant).allowed,
    isSelf,
  };
}

function mayReadAudit(principal: Principal): boolean {
  return authorize(principal, "readAuditLog", { type: "Tenant", id: principal.tenantId, tenantId: principal.tenantId }).allowed;
}

const notFound = (id: string) => new ApiError("not_found", `No user ${id} in your company`);

/** One user of the caller's tenant with contacts, identities and (for admins and auditors) audit history. */
export const getConsoleUser = apiRoute(
  { dialect: jitsudo, auth: "session", action: "readUsers", params: userIdParams },
  ({ db, principal, params }) => {
    const detail = getUserDetail(db, { tenantId: principal.tenantId, userId: params.id, includeAudit: mayReadAudit(principal) });
    if (!detail) throw notFound(params.id);
    return { status: 200, data: { data: toUserDetailDto(detail) } };
  },
);

const deactivateRequest = z.object({
  confirmEmail: z
    .string({ error: "confirmEmail is required: type the user's email to confirm" })
    .trim()
    .min(1, "confirmEmail is required: type the user's email to confirm")
    .max(320, "confirmEmail is at most 320 characters"),
});

const actorOf = (principal: Principal) => ({ ...principal.actor, userId: principal.userId });

/** Deactivates one user after the admin typed the user's email; revokes their tokens and sessions. */
export const deactivateConsoleUser = apiRoute(
  { dialect: jitsudo, auth: "session", action: "deactivateUser", params: userIdParams, body: deactivateRequest },
  ({ db, principal, params, body, requestId, authorize: check }) => {
    check("deactivateUser", { type: "User", id: params.id, tenantId: principal.tenantId }, { isSelf: params.id === principal.userId });
    const user = findUserByRef(db, principal.tenantId, { kind: "id", id: params.id });
    if (!user) throw notFound(params.id);
    if (normalizeEmail(body.confirmEmail) !== user.emailNormalized) {
      throw new ApiError("invalid_input", "The email you typed does not match this user's email; nothing was changed", {
        details: { confirmEmail: "does not match the user's email" },
      });
    }
    const result = deactivateUser(db, { tenantId: principal.tenantId, userId: user.id, actor: actorOf(principal), requestId });
    if (result.status === "not-found") throw notFound(params.id);
    const data: DeactivateResultDto =
      result.status === "deactivated" ? result : { status: "already-inactive", tokensRevoked: 0, sessionsRevoked: 0 };
    return { status: 200, data: { data } };
  },
);

/** Reactivates a deactivated user; tokens and sessions revoked at deactivation stay revoked. */
export const reactivateConsoleUser = apiRoute(
  { dialect: jitsudo, auth: "session", action: "reactivateUser", params: userIdParams },
  ({ db, principal, params, requestId, authorize: check }) => {
    check("reactivateUser", { type: "User", id: params.id, tenantId: principal.tenantId }, { isSelf: params.id === principal.userId });
    const result = reactivateUser(db, { tenantId: principal.tenantId, userId: params.id, actor: actorOf(principal), requestId });
    if (result.status === "not-found") throw notFound(params.id);
    const data: ReactivateResultDto = { status: result.status };
    return { status: 200, data: { data } };
  },
);
