import { deleteWebhookEndpoint, getWebhookEndpointSummary, rotateWebhookSecret, updateWebhookEndpoint } from "@/db/queries/webhook-admin";
import { listWebhookDeliveries, redeliverFailedWebhookDeliveries, redeliverWebhookDelivery } from "@/db/queries/webhook-delivery-log";
import { getWebhookEndpoint } from "@/db/queries/webhook-endpoints";
import { enqueueWebhookTestEvent } from "@/db/queries/webhook-outbox";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint, type Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { webhookContracts as c } from "@/lib/contracts/webhooks";
import { serverEnv } from "@/lib/env";
import { checkWebhookUrl } from "@/lib/webhooks/address-guard";
import { createCheckedWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import {
  decodeDeliveryCursor,
  MANAGE_WEBHOOKS,
  readWebhookEndpoint,
  readWebhookEndpoints,
  toDeliveryLogPageDto,
  toWebhookDeliveryDto,
  toWebhookEndpointDto,
  withSecret,
} from "../webhooks";

// Admins only: an endpoint receives the tenant's user changes, signed with a secret it holds.
const admins = { dialect: consoleDialect, auth: "session", action: MANAGE_WEBHOOKS } as const;
const adminActor = (principal: Principal) => ({ type: "admin", id: principal.actor.id, name: principal.actor.name }) as const;
const notFound = (id: string) => new ApiError("not_found", `No webhook endpoint ${id}`);

/** A URL the address guard refuses is a 400 that says why (a sentence), on the url field. */
const refusedUrl = (reason: string) => new ApiError("invalid_input", reason, { details: { url: reason } });

export const WEBHOOK_ENDPOINTS = [
  // The tenant's webhook endpoints, with their pending and failed deliveries and last delivery
  defineEndpoint({
    ...c.list,
    ...admins,
    operationId: "consoleListWebhooks",
    handler: async ({ db, principal }) => ({ data: { data: await readWebhookEndpoints(db, principal.tenantId) } }),
  }),
  // Add an endpoint; its signing secret is in this answer only
  defineEndpoint({
    ...c.create,
    ...admins,
    operationId: "consoleCreateWebhook",
    stepUp: true,
    errors: [400],
    handler: async ({ db, principal, body, requestId }) => {
      const result = await createCheckedWebhookEndpoint(db, { tenantId: principal.tenantId, ...body, actor: adminActor(principal), requestId });
      if ("refused" in result) throw refusedUrl(result.refused);
      return { data: { data: withSecret(result.endpoint) } };
    },
  }),
  // One endpoint
  defineEndpoint({
    ...c.get,
    ...admins,
    operationId: "consoleGetWebhook",
    errors: [400, 404],
    handler: async ({ db, principal, params }) => {
      const endpoint = await readWebhookEndpoint(db, principal.tenantId, params.id);
      if (!endpoint) throw notFound(params.id);
      return { data: { data: endpoint } };
    },
  }),
  // Change the URL, description or event types; enable or disable
  defineEndpoint({
    ...c.update,
    ...admins,
    operationId: "consoleUpdateWebhook",
    stepUp: true,
    errors: [400, 404],
    handler: async ({ db, principal, params, body, requestId }) => {
      let url = body.url;
      if (url !== undefined) {
        const check = await checkWebhookUrl(url, { allowPrivateAddresses: serverEnv().WEBHOOK_ALLOW_PRIVATE_ADDRESSES });
        if (!check.ok) throw refusedUrl(check.reason);
        url = check.url.href;
      }
      const changes = { ...body, url };
      const endpoint = await updateWebhookEndpoint(db, { tenantId: principal.tenantId, id: params.id, actor: adminActor(principal), requestId, changes });
      if (!endpoint) throw notFound(params.id);
      return { data: { data: toWebhookEndpointDto(endpoint) } };
    },
  }),
  // Delete an endpoint and its delivery log (the audit log keeps that it existed)
  defineEndpoint({
    ...c.remove,
    ...admins,
    operationId: "consoleDeleteWebhook",
    // Downstream systems stop hearing of leavers, as a change of URL would make them.
    stepUp: true,
    errors: [400, 404],
    handler: async ({ db, principal, params, requestId }) => {
      const deleted = await deleteWebhookEndpoint(db, { tenantId: principal.tenantId, id: params.id, actor: adminActor(principal), requestId });
      if (!deleted) throw notFound(params.id);
      return { data: { data: { id: deleted.id } } };
    },
  }),
  // A new signing secret, in this answer only; the old one stops signing at once
  defineEndpoint({
    ...c.rotateSecret,
    ...admins,
    operationId: "consoleRotateWebhookSecret",
    stepUp: true,
    errors: [400, 404],
    handler: async ({ db, principal, params, requestId }) => {
      const context = { tenantId: principal.tenantId, id: params.id, actor: adminActor(principal), requestId, secret: newWebhookSecret() };
      const endpoint = await rotateWebhookSecret(db, context);
      if (!endpoint) throw notFound(params.id);
      return { data: { data: withSecret(endpoint, await getWebhookEndpointSummary(db, principal.tenantId, params.id)) } };
    },
  }),
  // Queue a webhook.test event for this endpoint only
  defineEndpoint({
    ...c.sendTest,
    ...admins,
    operationId: "consoleSendWebhookTest",
    errors: [400, 404],
    handler: async ({ db, principal, params }) => {
      const endpoint = await getWebhookEndpoint(db, principal.tenantId, params.id);
      if (!endpoint) throw notFound(params.id);
      const eventId = await enqueueWebhookTestEvent(db, endpoint, adminActor(principal));
      return { data: { data: { eventId } } };
    },
  }),
  // The delivery log: newest first, each delivery with its attempts; keyset-paged
  defineEndpoint({
    ...c.deliveries,
    ...admins,
    operationId: "consoleListWebhookDeliveries",
    errors: [400, 404],
    handler: async ({ db, principal, params, query }) => {
      const page = await listWebhookDeliveries(db, {
        tenantId: principal.tenantId,
        endpointId: params.id,
        status: query.status,
        after: query.cursor === undefined ? undefined : decodeDeliveryCursor(query.cursor),
        limit: query.size,
      });
      if (!page) throw notFound(params.id);
      return { data: { data: toDeliveryLogPageDto(page) } };
    },
  }),
  // Send one delivery again, now
  defineEndpoint({
    ...c.redeliver,
    ...admins,
    operationId: "consoleRedeliverWebhookDelivery",
    errors: [400, 404],
    handler: async ({ db, principal, params, requestId }) => {
      const context = { tenantId: principal.tenantId, endpointId: params.id, deliveryId: params.deliveryId, actor: adminActor(principal), requestId };
      const delivery = await redeliverWebhookDelivery(db, context);
      if (!delivery) throw new ApiError("not_found", `No delivery ${params.deliveryId} of webhook endpoint ${params.id}`);
      return { data: { data: toWebhookDeliveryDto(delivery) } };
    },
  }),
  // Send again every failed delivery of events since a time
  defineEndpoint({
    ...c.redeliverFailed,
    ...admins,
    operationId: "consoleRedeliverFailedWebhookDeliveries",
    stepUp: true,
    errors: [400, 404],
    handler: async ({ db, principal, params, body, requestId }) => {
      const since = body.since === null ? 0 : Date.parse(body.since);
      const result = await redeliverFailedWebhookDeliveries(db, {
        tenantId: principal.tenantId,
        endpointId: params.id,
        since,
        actor: adminActor(principal),
        requestId,
      });
      if (!result) throw notFound(params.id);
      return { data: { data: result } };
    },
  }),
];
