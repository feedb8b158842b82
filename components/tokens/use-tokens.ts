"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { tokenKeys } from "@/lib/query/keys";
import { createTokenRequest, revokeTokenRequest, tokenListQuery } from "@/lib/query/tokens";

export function useTokenList() {
  return useQuery(tokenListQuery());
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createTokenRequest,
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeTokenRequest,
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
