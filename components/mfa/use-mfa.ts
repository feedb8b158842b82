"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { auditKeys, mfaKeys } from "@/lib/query/keys";
import { mfaOverviewQuery, regenerateRecoveryCodesRequest, removeFactorRequest, setMfaPolicyRequest, type MfaOverviewDto } from "@/lib/query/mfa";

export function useMfaOverview() {
  return useQuery(mfaOverviewQuery());
}

/** A change answered with the overview as it now is: written into the cache; the audit log has a new event. */
function useOverviewChange<V>(request: (variables: V) => Promise<MfaOverviewDto>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (overview) => {
      queryClient.setQueryData(mfaKeys.overview(), overview);
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
    },
  });
}

export const useRemoveFactor = () => useOverviewChange(removeFactorRequest);
export const useSetMfaPolicy = () => useOverviewChange(setMfaPolicyRequest);

export function useRegenerateRecoveryCodes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: regenerateRecoveryCodesRequest,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: mfaKeys.all }),
  });
}

/** After an enrolment on the page: the overview is stale. */
export function useRefreshMfa() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: mfaKeys.all });
    void queryClient.invalidateQueries({ queryKey: auditKeys.all });
  };
}
