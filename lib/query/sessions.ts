import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { consoleFetch } from "@/lib/console/fetch";
import { consoleSessionContracts, type consoleSession } from "@/lib/contracts/console-sessions";
import { sessionKeys } from "./keys";

export type ConsoleSessionDto = z.infer<typeof consoleSession>;

/** The signed-in admin's open console sessions, the last used first. */
export function sessionListQuery() {
  return queryOptions({
    queryKey: sessionKeys.list(),
    queryFn: async ({ signal }) => (await consoleFetch(consoleSessionContracts.list, { signal })).data,
  });
}

/** Ends one of your sessions; how many ended (1). */
export async function revokeSessionRequest(id: string): Promise<number> {
  return (await consoleFetch(consoleSessionContracts.revoke, { params: { id } })).data.revoked;
}

/** Ends every session of yours but this one; how many ended. */
export async function revokeOtherSessionsRequest(): Promise<number> {
  return (await consoleFetch(consoleSessionContracts.revokeOthers, {})).data.revoked;
}

/** Ends every console session of a user's admin account (admins only); how many ended. */
export async function endUserSessionsRequest(userId: string): Promise<number> {
  return (await consoleFetch(consoleSessionContracts.revokeOfUser, { params: { id: userId } })).data.revoked;
}
