import type { z } from "zod";
import type { Db } from "@/db/client";
import { getUserDetail, type UserDetail } from "@/db/queries/user-detail";
import type { AdminRole } from "@/db/schema";
import { authorize, type PolicyPrincipal } from "@/lib/auth/policy";
import { scopesForRole } from "@/lib/auth/scopes";
import { sessionIdleMs } from "@/lib/auth/session";
import type { userDetail } from "@/lib/contracts/users";
import { toAuditEventDto } from "./audit";
import { liveScheduleDto } from "./scheduled";

const iso = (ms: number) => new Date(ms).toISOString();

/** The console's wire form of a user page: ISO timestamps, only the fields the page shows. */
export function toUserDetailDto(detail: UserDetail, scheduled: z.input<typeof userDetail>["scheduledDeactivation"] = null): z.input<typeof userDetail> {
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
      properties: user.properties,
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
    access: { ...detail.access, ssoAccount: detail.access.ssoAccount && { ...detail.access.ssoAccount, linkedAt: iso(detail.access.ssoAccount.linkedAt) } },
    // Every event of this history targets this user.
    audit: detail.audit?.map((event) => toAuditEventDto(event, user.email)) ?? null,
    scheduledDeactivation: scheduled,
  };
}

type SessionLike = { sessionId: string; tenantId: string; role: AdminRole; userId: string };
const policyPrincipal = (session: SessionLike): PolicyPrincipal => ({
  tokenId: session.sessionId,
  tenantId: session.tenantId,
  role: session.role,
  scopes: scopesForRole(session.role),
});

/** What the signed-in admin may do on one user's page, decided by the same Cedar policies as the endpoints. */
export type UserPagePermissions = {
  deactivate: boolean;
  reactivate: boolean;
  endSessions: boolean;
  /** Unlinking an admin's SSO account is a sign-in setting (manageSignInSettings). */
  unlinkSso: boolean;
  readAudit: boolean;
  isSelf: boolean;
};

export function userPagePermissions(session: SessionLike, userId: string): UserPagePermissions {
  const principal = policyPrincipal(session);
  const tenant = { type: "Tenant" as const, id: session.tenantId, tenantId: session.tenantId };
  const user = { type: "User" as const, id: userId, tenantId: session.tenantId };
  const isSelf = userId === session.userId;
  const allowed = (action: "deactivateUser" | "reactivateUser" | "endAdminSessions") =>
    authorize(principal, action, tenant).allowed && authorize(principal, action, user, { isSelf }).allowed;
  return {
    deactivate: allowed("deactivateUser"),
    reactivate: allowed("reactivateUser"),
    endSessions: allowed("endAdminSessions"),
    unlinkSso: authorize(principal, "manageSignInSettings", tenant).allowed,
    readAudit: authorize(principal, "readAuditLog", tenant).allowed,
    isSelf,
  };
}

/** One user of the caller's tenant as the user page shows it (audit history only for roles that may read the log); undefined when unknown. */
export async function consoleUserDetail(db: Db, session: SessionLike, userId: string) {
  const readAudit = authorize(policyPrincipal(session), "readAuditLog", { type: "Tenant", id: session.tenantId, tenantId: session.tenantId }).allowed;
  const detail = await getUserDetail(db, { tenantId: session.tenantId, userId, includeAudit: readAudit, sessionIdleMs: sessionIdleMs() });
  return detail && toUserDetailDto(detail, await liveScheduleDto(db, session.tenantId, userId));
}
