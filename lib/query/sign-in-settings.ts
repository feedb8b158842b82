import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod/mini";
import { consoleFetch } from "@/lib/console/fetch";
import { ssoContracts, type discoveryCheck, type ssoSettings, type ssoSettingsRequest } from "@/lib/contracts/sso";
import { signInSettingsKeys } from "./keys";

export type SignInSettingsDto = z.infer<typeof ssoSettings>;
export type SignInSettingsInput = z.input<typeof ssoSettingsRequest>;
export type DiscoveryCheckDto = z.infer<typeof discoveryCheck>;

export function signInSettingsQuery() {
  return queryOptions({
    queryKey: signInSettingsKeys.detail(),
    queryFn: async ({ signal }) => (await consoleFetch(ssoContracts.read, { signal })).data,
  });
}

export async function saveSignInSettingsRequest(input: SignInSettingsInput): Promise<SignInSettingsDto> {
  return (await consoleFetch(ssoContracts.save, { body: input })).data;
}

export async function checkDiscoveryRequest(issuer: string): Promise<DiscoveryCheckDto> {
  return (await consoleFetch(ssoContracts.checkDiscovery, { body: { issuer } })).data;
}
