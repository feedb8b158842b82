"use client";

import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { auditKeys, userKeys } from "@/lib/query/keys";
import { postDeactivate, postReactivate, userDetailQuery } from "@/lib/query/user-detail";

/**
 * After a status change: the page's own data is refetched before the mutation settles (so the
 * dialog closes on the new state); lists and audit views elsewhere are marked stale.
 */
function refreshAfterStatusChange(queryClient: QueryClient, id: string) {
  void queryClient.invalidateQueries({ queryKey: userKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
  return queryClient.invalidateQueries({ queryKey: userDetailQuery(id).queryKey });
}

export function useDeactivateUser(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirmEmail: string) => postDeactivate(id, confirmEmail),
    onSuccess: () => refreshAfterStatusChange(queryClient, id),
  });
}

export function useReactivateUser(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => postReactivate(id),
    onSuccess: () => refreshAfterStatusChange(queryClient, id),
  });
}
