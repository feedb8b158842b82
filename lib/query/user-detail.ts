import { queryOptions } from "@tanstack/react-query";
import { consoleFetch } from "@/lib/console/fetch";
import { userKeys } from "./keys";

// The wire shape of the console's user endpoints (timestamps are ISO strings). The server page
// renders the same shape, so the first paint and later refetches go through one code path.

export type ActorRefDto = { id: string; name: string };
export type MobileDto = { countryCode: string; number: string };
export type AdminRoleDto = "admin" | "helpdesk" | "auditor";

export type UserPropertiesDto = {
  workLocations?: string[];
  teams?: string[];
  identification?: { idType: string; idNum: string } | null;
  fileID?: string | null;
  userType?: string;
  department?: string;
  aaaGroups?: string[];
  designation?: string;
  employmentType?: string;
};

export type UserDto = {
  id: string;
  email: string;
  name: string;
  active: boolean;
  state: string;
  uniqueCode: string;
  userCode: string | null;
  aaaId: string | null;
  category: string | null;
  subCategory: string | null;
  properties: UserPropertiesDto;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
  deactivatedBy: ActorRefDto | null;
};

export type ContactsDto = {
  primaryEmail: string;
  otherEmails: { email: string; label: string }[];
  primaryMobile: MobileDto | null;
  secondaryMobile: MobileDto | null;
};

export type LinkedByDto = "auto" | "manual" | "scim";

export type IdentityDto = {
  id: string;
  providerName: string;
  providerType: string;
  externalId: string;
  externalUsername: string | null;
  externalEmail: string | null;
  externalDisplayName: string | null;
  linkedBy: LinkedByDto;
  lastSyncedAt: string | null;
  createdAt: string;
};

export type AuditEventDto = {
  id: string;
  at: string;
  actorName: string | null;
  actorType: string;
  action: string;
  outcome: string;
  details: Record<string, unknown> | null;
};

export type UserDetailDto = {
  user: UserDto;
  contacts: ContactsDto;
  identities: IdentityDto[];
  /** What a deactivation would revoke: the user's console role and live tokens and sessions. */
  access: { adminRole: AdminRoleDto | null; liveTokens: number; liveSessions: number };
  /** Newest first, at most 50; null when the signed-in admin's role may not read the audit log. */
  audit: AuditEventDto[] | null;
};

export type DeactivateResultDto = { status: "deactivated" | "already-inactive"; tokensRevoked: number; sessionsRevoked: number };
export type ReactivateResultDto = { status: "reactivated" | "already-active" };

export const userDetailPath = (id: string) => `/api/console/users/${encodeURIComponent(id)}`;

export function userDetailQuery(id: string) {
  return queryOptions({
    queryKey: userKeys.detail(id),
    queryFn: ({ signal }) => consoleFetch<{ data: UserDetailDto }>(userDetailPath(id), { signal }).then((response) => response.data),
  });
}

export async function postDeactivate(id: string, confirmEmail: string): Promise<DeactivateResultDto> {
  const response = await consoleFetch<{ data: DeactivateResultDto }>(`${userDetailPath(id)}/deactivate`, { method: "POST", body: { confirmEmail } });
  return response.data;
}

export async function postReactivate(id: string): Promise<ReactivateResultDto> {
  const response = await consoleFetch<{ data: ReactivateResultDto }>(`${userDetailPath(id)}/reactivate`, { method: "POST" });
  return response.data;
}
