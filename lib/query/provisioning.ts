import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod/mini";
import { consoleFetch } from "@/lib/console/fetch";
import {
  provisioningContracts,
  type createdProvisioningToken,
  type createProvisioningTokenRequest as createRequestSchema,
  type provisioningOverview,
  type provisioningToken,
  type scimProvider,
} from "@/lib/contracts/provisioning";
import { provisioningKeys } from "./keys";

export type ProvisioningOverview = z.infer<typeof provisioningOverview>;
export type ProvisioningTokenDto = z.infer<typeof provisioningToken>;
export type CreatedProvisioningTokenDto = z.infer<typeof createdProvisioningToken>;
export type ScimProviderDto = z.infer<typeof scimProvider>;
export type CreateProvisioningTokenInput = z.input<typeof createRequestSchema>;

export function provisioningOverviewQuery() {
  return queryOptions({
    queryKey: provisioningKeys.overview(),
    queryFn: async ({ signal }) => (await consoleFetch(provisioningContracts.overview, { signal })).data,
  });
}

export async function createProvisioningTokenRequest(input: CreateProvisioningTokenInput): Promise<CreatedProvisioningTokenDto> {
  return (await consoleFetch(provisioningContracts.create, { body: input })).data;
}

export async function revokeProvisioningTokenRequest(id: string): Promise<ProvisioningTokenDto> {
  return (await consoleFetch(provisioningContracts.revoke, { params: { id } })).data;
}

/** The overview with one token as the server now answers it (a revocation's answer), for the query cache. */
export function withToken(overview: ProvisioningOverview | undefined, token: ProvisioningTokenDto): ProvisioningOverview | undefined {
  return overview && { ...overview, tokens: overview.tokens.map((t) => (t.id === token.id ? token : t)) };
}
