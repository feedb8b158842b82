import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { WebhooksView } from "@/components/webhooks/webhooks-view";
import { WebhooksAdminsOnly } from "@/components/webhooks/admins-only";
import { getDb } from "@/lib/db";
import { requireSession } from "@/lib/console/current-session";
import { mayManageWebhooks, readWebhookEndpoints } from "@/lib/console/webhooks";
import { makeQueryClient } from "@/lib/query/client";
import { webhookKeys } from "@/lib/query/keys";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const session = await requireSession();
  if (!mayManageWebhooks(session.role)) return <WebhooksAdminsOnly />;
  // The first render carries the list, read straight from the database; the client refetches via the API.
  const queryClient = makeQueryClient();
  queryClient.setQueryData(webhookKeys.list(), await readWebhookEndpoints(getDb(), session.tenantId));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <WebhooksView />
    </HydrationBoundary>
  );
}
