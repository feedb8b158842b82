import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getDb } from "@/lib/db";
import { listTokensOfAdmin } from "@/db/queries/token-list";
import { TokensView } from "@/components/tokens/tokens-view";
import { scopesForRole } from "@/lib/auth/scopes";
import { requireSession } from "@/lib/console/current-session";
import { toTokenDto } from "@/lib/console/tokens";
import { makeQueryClient } from "@/lib/query/client";
import { tokenKeys } from "@/lib/query/keys";

export const metadata: Metadata = { title: "Tokens" };

export default async function TokensPage() {
  const session = await requireSession();
  // The first render carries the list, read straight from the database; the client refetches via the API.
  const queryClient = makeQueryClient();
  queryClient.setQueryData(tokenKeys.list(), (await listTokensOfAdmin(getDb(), session)).map(toTokenDto));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <TokensView role={session.role} tenantId={session.tenantId} allowedScopes={scopesForRole(session.role)} />
    </HydrationBoundary>
  );
}
