import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { WebhookDetailView } from "@/components/webhooks/webhook-detail-view";
import { WebhooksAdminsOnly } from "@/components/webhooks/admins-only";
import { getDb } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { UUID_PATTERN } from "@/lib/contracts/common";
import { requireSession } from "@/lib/console/current-session";
import { mayManageWebhooks, readWebhookEndpoint } from "@/lib/console/webhooks";

type Props = { params: Promise<{ id: string }> };

// Once per request for both the metadata and the page. Another tenant's endpoint is simply not found.
const loadEndpointPage = cache(async (rawId: string) => {
  const session = await requireSession();
  if (!mayManageWebhooks(session.role)) return "forbidden" as const;
  const id = rawId.toLowerCase();
  if (!UUID_PATTERN.test(id)) return null;
  const endpoint = await readWebhookEndpoint(getDb(), session.tenantId, id);
  return endpoint ? { id, endpoint } : null;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const page = await loadEndpointPage((await params).id);
  return { title: page === "forbidden" ? "Webhooks" : page ? `Webhook ${page.endpoint.url}` : "Webhook endpoint not found" };
}

export default async function WebhookPage({ params }: Props) {
  const page = await loadEndpointPage((await params).id);
  if (page === "forbidden") return <WebhooksAdminsOnly />;
  if (!page) notFound();
  return <WebhookDetailView id={page.id} initialData={page.endpoint} retentionDays={serverEnv().WEBHOOK_RETENTION_DAYS} />;
}
