"use client";

import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { auditKeys, sessionKeys } from "@/lib/query/keys";
import { revokeOtherSessionsRequest, revokeSessionRequest, sessionListQuery, type ConsoleSessionDto } from "@/lib/query/sessions";

export function useSessionList() {
  return useQuery(sessionListQuery());
}

// Each ending is a session.revoked event: the audit log's pages are stale too.
function refreshAfterChange(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: sessionKeys.all });
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (session: ConsoleSessionDto) => revokeSessionRequest(session.id),
    // Once the current session has ended, a refetch would only meet a 401: the page moves on to sign-in instead.
    onSettled: (_revoked, error, session) => {
      if (error || !session.current) refreshAfterChange(queryClient);
    },
  });
}

export function useRevokeOtherSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeOtherSessionsRequest,
    onSettled: () => refreshAfterChange(queryClient),
  });
}
