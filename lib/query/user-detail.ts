import { queryOptions, type QueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { consoleFetch } from "@/lib/console/fetch";
import type { auditEvent } from "@/lib/contracts/audit";
import { userContracts, type deactivateOutcome, type reactivateOutcome, type userDetail } from "@/lib/contracts/users";
import { userKeys } from "./keys";

// The user page's data, as the console API declares it (lib/contracts/users.ts). The server page
// renders the same shape, so the first paint and later refetches go through one code path.

export type UserDetailDto = z.infer<typeof userDetail>;
export type UserDto = UserDetailDto["user"];
export type UserPropertiesDto = UserDto["properties"];
export type ContactsDto = UserDetailDto["contacts"];
export type MobileDto = NonNullable<ContactsDto["primaryMobile"]>;
export type IdentityDto = UserDetailDto["identities"][number];
export type LinkedByDto = IdentityDto["linkedBy"];
export type AuditEventDto = z.infer<typeof auditEvent>;
export type DeactivateResultDto = z.infer<typeof deactivateOutcome>;
export type ReactivateResultDto = z.infer<typeof reactivateOutcome>;

export function userDetailQuery(id: string) {
  return queryOptions({
    queryKey: userKeys.detail(id),
    queryFn: ({ signal }) => consoleFetch(userContracts.detail, { params: { id }, signal }).then((response) => response.data),
  });
}

/** After a change the answer holds the user as it is now: it replaces the page's data instead of a refetch. */
function keep(queryClient: QueryClient, id: string, detail: UserDetailDto) {
  queryClient.setQueryData(userKeys.detail(id), detail);
}

/** Deactivates now, or with a future `effectiveAt` (ISO with offset) schedules it. */
export async function postDeactivate(queryClient: QueryClient, id: string, confirmEmail: string, effectiveAt?: string): Promise<DeactivateResultDto> {
  const { data } = await consoleFetch(userContracts.deactivate, { params: { id }, body: { confirmEmail, ...(effectiveAt ? { effectiveAt } : {}) } });
  keep(queryClient, id, data.detail);
  return data.outcome;
}

export async function postReactivate(queryClient: QueryClient, id: string): Promise<ReactivateResultDto> {
  const { data } = await consoleFetch(userContracts.reactivate, { params: { id } });
  keep(queryClient, id, data.detail);
  return data.outcome;
}

/** Unlinks the admin's SSO account (admins only); false when there was none. */
export async function deleteSsoAccountLink(queryClient: QueryClient, id: string): Promise<boolean> {
  const { data } = await consoleFetch(userContracts.unlinkSsoAccount, { params: { id } });
  keep(queryClient, id, data.detail);
  return data.unlinked;
}
