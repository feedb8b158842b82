"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { signInSettingsKeys } from "@/lib/query/keys";
import { checkDiscoveryRequest, saveSignInSettingsRequest, signInSettingsQuery } from "@/lib/query/sign-in-settings";

export function useSignInSettings() {
  return useQuery(signInSettingsQuery());
}

export function useSaveSignInSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveSignInSettingsRequest,
    onSuccess: (settings) => queryClient.setQueryData(signInSettingsQuery().queryKey, settings),
    onSettled: () => queryClient.invalidateQueries({ queryKey: signInSettingsKeys.all }),
  });
}

export function useCheckDiscovery() {
  return useMutation({ mutationFn: checkDiscoveryRequest });
}
