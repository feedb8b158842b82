"use client";

import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { auditKeys, scheduledKeys, userKeys } from "@/lib/query/keys";
import { cancelScheduleRequest } from "@/lib/query/scheduled";
import { postDeactivate, postReactivate } from "@/lib/query/user-detail";

/**
 * After a status change the answer already holds the user as it is now, and postDeactivate /
 * postReactivate put it in the page's cache (no refetch); lists and audit views elsewhere are
 * marked stale.
 */
function markOthersStale(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: userKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
  void queryClient.invalidateQueries({ queryKey: scheduledKeys.all });
}

export function useDeactivateUser(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ confirmEmail, effectiveAt }: { confirmEmail: string; effectiveAt?: string }) => postDeactivate(queryClient, id, confirmEmail, effectiveAt),
    onSuccess: () => markOthersStale(queryClient),
  });
}

export function useReactivateUser(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => postReactivate(queryClient, id),
    onSuccess: () => markOthersStale(queryClient),
  });
}

/** Cancels the user's scheduled deactivation; the page then reads the user again (its badge goes). */
export function useCancelSchedule(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (scheduleId: string) => cancelScheduleRequest(scheduleId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: userKeys.detail(userId) });
      markOthersStale(queryClient);
    },
  });
}
