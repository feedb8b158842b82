import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { SessionsView } from "@/components/sessions/sessions-view";
import type { ConsolePrincipal } from "@/lib/auth/session";
import { requireSession } from "@/lib/console/current-session";
import { ownSessions } from "@/lib/console/sessions";
import { getDb } from "@/lib/db";
import { makeQueryClient } from "@/lib/query/client";
import { sessionKeys } from "@/lib/query/keys";

export const metadata: Metadata = { title: "Your sessions" };

/** The list as the API answers it, and when it was read (the relative times of the first render count from then). */
async function loadSessions(session: ConsolePrincipal) {
  const loadedAt = Date.now();
  const signed = { tenantId: session.tenantId, adminId: session.adminId, tokenId: session.sessionId, actor: { id: session.adminId, name: session.userName } };
  return { sessions: await ownSessions(getDb(), signed, loadedAt), loadedAt };
}

export default async function SessionsPage() {
  const { sessions, loadedAt } = await loadSessions(await requireSession());
  // The first render carries the list, read straight from the database; the client refetches via the API.
  const queryClient = makeQueryClient();
  queryClient.setQueryData(sessionKeys.list(), sessions);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SessionsView serverNow={loadedAt} />
    </HydrationBoundary>
  );
}
