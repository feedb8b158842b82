import type { z } from "zod/mini";
import type { Db } from "@/db/client";
import { getWebhookEndpointSummary, listWebhookEndpoints, type WebhookEndpointSummary } from "@/db/queries/webhook-admin";
import type { DeliveryCursor, DeliveryLogPage, WebhookDeliveryView } from "@/db/queries/webhook-delivery-log";
import type { WebhookEndpoint } from "@/db/schema";
import { ACTION_REQUIREMENTS, type PolicyAction } from "@/lib/auth/actions";
import type { deliveryLogPage, webhookDelivery, webhookEndpoint, webhookEndpointWithSecret } from "@/lib/contracts/webhooks";

// What the console's Webhooks pages, their endpoints and the `webhook` CLI commands share: the
// wire forms (ISO times; the secret only where it is shown once) and the log's cursor.

/** The policy action of every webhook page and endpoint (admins only: lib/policies/integrations.cedar). */
export const MANAGE_WEBHOOKS: PolicyAction = "manageWebhooks";

/** Whether a role may manage webhooks: the pages ask before rendering, as the endpoints' policy check does. */
export const mayManageWebhooks = (role: string) => (ACTION_REQUIREMENTS[MANAGE_WEBHOOKS].roles as readonly string[]).includes(role);

export type WebhookEndpointDto = z.input<typeof webhookEndpoint>;
export type WebhookEndpointWithSecretDto = z.input<typeof webhookEndpointWithSecret>;
export type WebhookDeliveryDto = z.input<typeof webhookDelivery>;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toWebhookEndpointDto(endpoint: WebhookEndpointSummary): WebhookEndpointDto {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabledAt: isoOrNull(endpoint.disabledAt),
    disabledReason: endpoint.disabledReason,
    failingSince: isoOrNull(endpoint.failingSince),
    createdAt: iso(endpoint.createdAt),
    updatedAt: iso(endpoint.updatedAt),
    createdBy: endpoint.createdBy && { id: endpoint.createdBy.id, name: endpoint.createdBy.name },
    stats: { pending: endpoint.stats.pending, failed: endpoint.stats.failed, lastDeliveredAt: isoOrNull(endpoint.stats.lastDeliveredAt) },
  };
}

/** An endpoint with its secret, for the one answer that shows it (creation, rotation); a new one has no deliveries yet. */
export function withSecret(endpoint: WebhookEndpoint, summary?: WebhookEndpointSummary): WebhookEndpointWithSecretDto {
  const stats = summary?.stats ?? { pending: 0, failed: 0, lastDeliveredAt: null };
  return { ...toWebhookEndpointDto({ ...endpoint, stats }), secret: endpoint.secret };
}

export function toWebhookDeliveryDto(delivery: WebhookDeliveryView): WebhookDeliveryDto {
  return {
    id: delivery.id,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === "pending" ? iso(delivery.nextAttemptAt) : null,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    lastLatencyMs: delivery.lastLatencyMs,
    deliveredAt: isoOrNull(delivery.deliveredAt),
    createdAt: iso(delivery.createdAt),
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    userId: delivery.userId,
    payload: delivery.payload,
    attemptLog: delivery.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      at: iso(attempt.attemptedAt),
      statusCode: attempt.statusCode,
      error: attempt.error,
      latencyMs: attempt.latencyMs,
    })),
  };
}

/** The log's cursor on the wire: "createdAt.id", checked by the contract's pattern. */
export const encodeDeliveryCursor = (cursor: DeliveryCursor) => `${cursor.createdAt}.${cursor.id}`;
export function decodeDeliveryCursor(text: string): DeliveryCursor {
  const [createdAt, id] = text.split(".").map(Number);
  return { createdAt: createdAt!, id: id! };
}

export function toDeliveryLogPageDto(page: DeliveryLogPage): z.input<typeof deliveryLogPage> {
  return { deliveries: page.deliveries.map(toWebhookDeliveryDto), nextCursor: page.next && encodeDeliveryCursor(page.next) };
}

export async function readWebhookEndpoints(db: Db, tenantId: string): Promise<WebhookEndpointDto[]> {
  return (await listWebhookEndpoints(db, tenantId)).map(toWebhookEndpointDto);
}

export async function readWebhookEndpoint(db: Db, tenantId: string, id: string): Promise<WebhookEndpointDto | undefined> {
  const endpoint = await getWebhookEndpointSummary(db, tenantId, id);
  return endpoint && toWebhookEndpointDto(endpoint);
}
