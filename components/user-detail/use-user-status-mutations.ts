"use client";

import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { auditKeys, userKeys } from "@/lib/query/keys";
import { postDeactivate, postReactivate } from "@/lib/query/user-detail";

/**
 * After a status change the answer already holds the user as it is now, and postDeactivate /
 * postReactivate put it in the page's cache (no refetch); lists and audit views elsewhere are
 * marked stale.
 */
function markOthersStale(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: userKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
}

export function useDeactivateUser(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirmEmail: string) => postDeactivate(queryClient, id, confirmEmail),
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
