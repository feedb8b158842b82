import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { consoleFetch } from "@/lib/console/fetch";
import { tokenContracts, type createdToken, type createTokenRequest as createTokenSchema, type token } from "@/lib/contracts/tokens";
import { tokenKeys } from "./keys";

export type TokenDto = z.infer<typeof token>;
export type CreatedTokenDto = z.infer<typeof createdToken>;
export type CreateTokenInput = z.input<typeof createTokenSchema>;

export function tokenListQuery() {
  return queryOptions({
    queryKey: tokenKeys.list(),
    queryFn: async ({ signal }) => (await consoleFetch(tokenContracts.list, { signal })).data,
  });
}

export async function createTokenRequest(input: CreateTokenInput): Promise<CreatedTokenDto> {
  return (await consoleFetch(tokenContracts.create, { body: input })).data;
}

export async function revokeTokenRequest(id: string): Promise<TokenDto> {
  return (await consoleFetch(tokenContracts.revoke, { params: { id } })).data;
}
