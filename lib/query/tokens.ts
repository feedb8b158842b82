import { queryOptions } from "@tanstack/react-query";
import { consoleFetch } from "@/lib/console/fetch";
import type { TokenExpiry } from "@/lib/console/token-endpoints";
import { tokenKeys } from "./keys";

/** A token as the console API answers it: ISO times, no secret. */
export type TokenDto = {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: "active" | "expired" | "revoked";
};

/** The answer to creating a token: the only time the secret is ever sent. */
export type CreatedTokenDto = TokenDto & { token: string };

export type CreateTokenInput = { name: string; scopes: string[]; expiresIn: TokenExpiry | null };

export function tokenListQuery() {
  return queryOptions({
    queryKey: tokenKeys.list(),
    queryFn: async ({ signal }) => (await consoleFetch<{ data: TokenDto[] }>("/api/console/tokens", { signal })).data,
  });
}

export async function createTokenRequest(input: CreateTokenInput): Promise<CreatedTokenDto> {
  return (await consoleFetch<{ data: CreatedTokenDto }>("/api/console/tokens", { method: "POST", body: input })).data;
}

export async function revokeTokenRequest(id: string): Promise<TokenDto> {
  return (await consoleFetch<{ data: TokenDto }>(`/api/console/tokens/${encodeURIComponent(id)}`, { method: "DELETE" })).data;
}
