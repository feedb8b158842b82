import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { SecurityView } from "@/components/mfa/security-view";
import type { ConsolePrincipal } from "@/lib/auth/session";
import { requireSession } from "@/lib/console/current-session";
import { mfaOverviewForSession } from "@/lib/console/mfa";
import { getDb } from "@/lib/db";
import { makeQueryClient } from "@/lib/query/client";
import { mfaKeys } from "@/lib/query/keys";

export const metadata: Metadata = { title: "Security" };

/** The overview as the API answers it, and when it was read (the relative times of the first render count from then). */
async function loadOverview(session: ConsolePrincipal) {
  const loadedAt = Date.now();
  return { overview: await mfaOverviewForSession(getDb(), session), loadedAt };
}

export default async function SecurityPage() {
  const { overview, loadedAt } = await loadOverview(await requireSession());
  // The first render carries the overview, read straight from the database; the client refetches via the API.
  const queryClient = makeQueryClient();
  queryClient.setQueryData(mfaKeys.overview(), overview);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SecurityView serverNow={loadedAt} />
    </HydrationBoundary>
  );
}
