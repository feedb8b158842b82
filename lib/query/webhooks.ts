import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { z } from "zod/mini";
import { consoleFetch } from "@/lib/console/fetch";
import {
  webhookContracts,
  type createWebhookRequest as createWebhookSchema,
  type deliveryLogPage,
  type updateWebhookRequest as updateWebhookSchema,
  type webhookDelivery,
  type webhookEndpoint,
  type webhookEndpointWithSecret,
} from "@/lib/contracts/webhooks";
import { webhookKeys, type WebhookDeliveryFilters } from "./keys";

export type WebhookEndpointDto = z.infer<typeof webhookEndpoint>;
export type WebhookEndpointWithSecretDto = z.infer<typeof webhookEndpointWithSecret>;
export type WebhookDeliveryDto = z.infer<typeof webhookDelivery>;
export type DeliveryLogPageDto = z.infer<typeof deliveryLogPage>;
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.input<typeof updateWebhookSchema>;

export function webhookListQuery() {
  return queryOptions({
    queryKey: webhookKeys.list(),
    queryFn: async ({ signal }) => (await consoleFetch(webhookContracts.list, { signal })).data,
  });
}

export function webhookQuery(id: string) {
  return queryOptions({
    queryKey: webhookKeys.detail(id),
    queryFn: async ({ signal }) => (await consoleFetch(webhookContracts.get, { params: { id }, signal })).data,
  });
}

/** The delivery log, a page at a time ("Show older"): each page starts where the previous one ended. */
export function deliveryLogQuery(id: string, filters: WebhookDeliveryFilters) {
  return infiniteQueryOptions({
    queryKey: webhookKeys.deliveries(id, filters),
    queryFn: async ({ signal, pageParam }) =>
      (
        await consoleFetch(webhookContracts.deliveries, {
          params: { id },
          query: { status: filters.status ?? undefined, cursor: pageParam ?? undefined },
          signal,
        })
      ).data,
    initialPageParam: null as string | null,
    getNextPageParam: (page: DeliveryLogPageDto) => page.nextCursor,
  });
}

export async function createWebhookRequest(input: CreateWebhookInput): Promise<WebhookEndpointWithSecretDto> {
  return (await consoleFetch(webhookContracts.create, { body: input })).data;
}

export async function updateWebhookRequest(id: string, input: UpdateWebhookInput): Promise<WebhookEndpointDto> {
  return (await consoleFetch(webhookContracts.update, { params: { id }, body: input })).data;
}

export async function deleteWebhookRequest(id: string): Promise<{ id: string }> {
  return (await consoleFetch(webhookContracts.remove, { params: { id } })).data;
}

export async function rotateWebhookSecretRequest(id: string): Promise<WebhookEndpointWithSecretDto> {
  return (await consoleFetch(webhookContracts.rotateSecret, { params: { id } })).data;
}

export async function sendWebhookTestRequest(id: string): Promise<{ eventId: string }> {
  return (await consoleFetch(webhookContracts.sendTest, { params: { id } })).data;
}

export async function redeliverRequest(id: string, deliveryId: number): Promise<WebhookDeliveryDto> {
  return (await consoleFetch(webhookContracts.redeliver, { params: { id, deliveryId: String(deliveryId) } })).data;
}

export async function redeliverFailedRequest(id: string, since: string | null): Promise<{ redelivered: number }> {
  return (await consoleFetch(webhookContracts.redeliverFailed, { params: { id }, body: { since } })).data;
}
