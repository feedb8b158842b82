"use client";

import * as z from "zod/mini";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { webhookEndpoint } from "@/lib/contracts/webhooks";
import { webhookKeys, type WebhookDeliveryFilters } from "@/lib/query/keys";
import {
  createWebhookRequest,
  deleteWebhookRequest,
  deliveryLogQuery,
  redeliverFailedRequest,
  redeliverRequest,
  rotateWebhookSecretRequest,
  sendWebhookTestRequest,
  updateWebhookRequest,
  webhookListQuery,
  webhookQuery,
  type UpdateWebhookInput,
  type WebhookEndpointDto,
} from "@/lib/query/webhooks";

export function useWebhookList() {
  return useQuery(webhookListQuery());
}

// While deliveries are pending the page follows them closely; otherwise it looks for new ones now and then.
const FOLLOW_PENDING_MS = 2_000;
const LOOK_FOR_NEW_MS = 10_000;

/** The server's render hands the endpoint over; the client keeps it fresh. */
export function useWebhook(id: string, initialData: WebhookEndpointDto) {
  return useQuery({
    ...webhookQuery(id),
    initialData,
    refetchInterval: (query) => ((query.state.data?.stats.pending ?? 0) > 0 ? FOLLOW_PENDING_MS : LOOK_FOR_NEW_MS),
  });
}

export function useDeliveryLog(id: string, filters: WebhookDeliveryFilters) {
  return useInfiniteQuery({
    ...deliveryLogQuery(id, filters),
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.deliveries.some((delivery) => delivery.status === "pending")) ? FOLLOW_PENDING_MS : LOOK_FOR_NEW_MS,
  });
}

export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWebhookRequest,
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  });
}

/** An answer without the secret that only its dialog shows (the schema drops what it does not name): the cache never holds one. */
const toEndpoint = (endpoint: WebhookEndpointDto): WebhookEndpointDto => z.parse(webhookEndpoint, endpoint);

/** Changes of one endpoint answer it as it now is: written into the cache, the list refreshed. */
function useEndpointMutation<V, R extends WebhookEndpointDto>(id: string, request: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (endpoint) => queryClient.setQueryData<WebhookEndpointDto>(webhookKeys.detail(id), toEndpoint(endpoint)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  });
}

export function useUpdateWebhook(id: string) {
  return useEndpointMutation(id, (input: UpdateWebhookInput) => updateWebhookRequest(id, input));
}

export function useRotateWebhookSecret(id: string) {
  return useEndpointMutation(id, () => rotateWebhookSecretRequest(id));
}

export function useDeleteWebhook(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteWebhookRequest(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  });
}

/** Test events and redeliveries change the log and the counts: both are read again. */
function useDeliveryMutation<V, R>(id: string, request: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSettled: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: webhookKeys.detail(id) }), queryClient.invalidateQueries({ queryKey: webhookKeys.list() })]),
  });
}

export function useSendWebhookTest(id: string) {
  return useDeliveryMutation(id, () => sendWebhookTestRequest(id));
}

export function useRedeliver(id: string) {
  return useDeliveryMutation(id, (deliveryId: number) => redeliverRequest(id, deliveryId));
}

export function useRedeliverFailed(id: string) {
  return useDeliveryMutation(id, (since: string | null) => redeliverFailedRequest(id, since));
}
