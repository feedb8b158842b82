"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { provisioningKeys } from "@/lib/query/keys";
import { createProvisioningTokenRequest, provisioningOverviewQuery, revokeProvisioningTokenRequest, withToken } from "@/lib/query/provisioning";

export function useProvisioningOverview() {
  return useQuery(provisioningOverviewQuery());
}

export function useCreateProvisioningToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createProvisioningTokenRequest,
    // A new provider may have come with the token: the whole overview is read again.
    onSettled: () => queryClient.invalidateQueries({ queryKey: provisioningKeys.all }),
  });
}

export function useRevokeProvisioningToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeProvisioningTokenRequest,
    onSuccess: (token) => queryClient.setQueryData(provisioningOverviewQuery().queryKey, (overview) => withToken(overview, token)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: provisioningKeys.all }),
  });
}
