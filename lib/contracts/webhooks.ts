import * as z from "zod/mini";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES } from "@/db/schema/webhook-constants";
import { int, isoTime, uuid } from "./common";
import { defineContract } from "./contract";

// The console's Webhooks page: a tenant's endpoints (docs/decisions/0018), their delivery log and
// redelivery. Event types come from the schema's constants, the one list the outbox also uses.

export const WEBHOOK_URL_MAX = 2_000;
export const WEBHOOK_DESCRIPTION_MAX = 200;
export const MAX_DELIVERY_PAGE_SIZE = 100;

const url = z
  .string({ error: "url is required" })
  .check(z.trim(), z.minLength(1, "url is required"), z.maxLength(WEBHOOK_URL_MAX, `url is at most ${WEBHOOK_URL_MAX.toLocaleString("en-US")} characters`));

/** Empty text clears the description. */
const description = z.pipe(
  z.nullable(z.string().check(z.trim(), z.maxLength(WEBHOOK_DESCRIPTION_MAX, `description is at most ${WEBHOOK_DESCRIPTION_MAX} characters`))),
  z.transform((value: string | null) => value || null),
);

/** null: every event type, including types added later; otherwise at least one. */
const events = z.nullable(
  z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `each event type must be one of ${WEBHOOK_EVENT_TYPES.join(", ")}` }), {
      error: "events must be an array of event types, or null for all of them",
    })
    .check(z.minLength(1, "choose at least one event type, or null for all of them")),
);

export const createWebhookRequest = z.object({ url, description: z._default(description, null), events: z._default(events, null) });

export const updateWebhookRequest = z
  .object({ url: z.optional(url), description: z.optional(description), events: z.optional(events), enabled: z.optional(z.boolean()) })
  .check(
    z.refine((body) => Object.values(body).some((value) => value !== undefined), {
      message: "change at least one of url, description, events, enabled",
    }),
  );

export const webhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.nullable(z.string()),
  /** null: every event type. */
  events: z.nullable(z.array(z.string())),
  enabled: z.boolean(),
  disabledAt: z.nullable(isoTime),
  disabledReason: z.nullable(z.string()),
  /** The first failed attempt since the last delivered one: disabled after 3 days of failures. */
  failingSince: z.nullable(isoTime),
  createdAt: isoTime,
  updatedAt: isoTime,
  createdBy: z.nullable(z.object({ id: z.string(), name: z.string() })),
  stats: z.object({ pending: int(), failed: int(), lastDeliveredAt: z.nullable(isoTime) }),
});

/** The answer to creating an endpoint or rotating its secret: the only times the secret is sent. */
export const webhookEndpointWithSecret = z.extend(webhookEndpoint, { secret: z.string() });

export const webhookAttempt = z.object({
  attempt: int(),
  at: isoTime,
  statusCode: z.nullable(int()),
  error: z.nullable(z.string()),
  latencyMs: int(),
});

export const webhookDelivery = z.object({
  id: int(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: int(),
  nextAttemptAt: z.nullable(isoTime),
  lastStatusCode: z.nullable(int()),
  lastError: z.nullable(z.string()),
  lastLatencyMs: z.nullable(int()),
  deliveredAt: z.nullable(isoTime),
  createdAt: isoTime,
  eventId: z.string(),
  eventType: z.string(),
  userId: z.nullable(z.string()),
  /** The body exactly as it was signed and sent. */
  payload: z.string(),
  attemptLog: z.array(webhookAttempt),
});

/** Where the next page of the log starts: opaque to clients. */
const CURSOR_PATTERN = /^\d{1,16}\.\d{1,16}$/;
export const deliveryCursor = z.string().check(z.regex(CURSOR_PATTERN, "cursor must be one the log answered"));

export const deliveryLogQuery = z.object({
  status: z.optional(z.enum(WEBHOOK_DELIVERY_STATUSES, { error: `status must be one of ${WEBHOOK_DELIVERY_STATUSES.join(", ")}` })),
  cursor: z.optional(deliveryCursor),
  size: z._default(
    z.coerce
      .number({ error: "size must be a number" })
      .check(z.int("size must be a whole number"), z.gte(1, "size is at least 1"), z.lte(MAX_DELIVERY_PAGE_SIZE, `size is at most ${MAX_DELIVERY_PAGE_SIZE}`)),
    50,
  ),
});

export const deliveryLogPage = z.object({ deliveries: z.array(webhookDelivery), nextCursor: z.nullable(z.string()) });

export const redeliverFailedRequest = z.object({
  /** Failed deliveries of events since then; null: all of them. */
  since: z._default(z.nullable(z.iso.datetime({ offset: true, error: "since must be an ISO 8601 time, or null for all" })), null),
});

const endpointParams = z.object({ id: uuid("webhook id") });
const deliveryParams = z.object({
  id: uuid("webhook id"),
  deliveryId: z.pipe(
    z.string().check(z.regex(/^\d{1,16}$/, "delivery id must be a whole number")),
    z.transform((value: string) => Number(value)),
  ),
});

export const webhookContracts = {
  list: defineContract({
    method: "GET",
    path: "/api/console/webhooks",
    response: { status: 200, description: "The tenant's webhook endpoints with their delivery counts", schema: z.object({ data: z.array(webhookEndpoint) }) },
  }),
  create: defineContract({
    method: "POST",
    path: "/api/console/webhooks",
    body: createWebhookRequest,
    response: { status: 201, description: "The endpoint, with its signing secret", schema: z.object({ data: webhookEndpointWithSecret }) },
  }),
  get: defineContract({
    method: "GET",
    path: "/api/console/webhooks/{id}",
    params: endpointParams,
    response: { status: 200, description: "The endpoint", schema: z.object({ data: webhookEndpoint }) },
  }),
  update: defineContract({
    method: "PATCH",
    path: "/api/console/webhooks/{id}",
    params: endpointParams,
    body: updateWebhookRequest,
    response: { status: 200, description: "The endpoint as it is now", schema: z.object({ data: webhookEndpoint }) },
  }),
  remove: defineContract({
    method: "DELETE",
    path: "/api/console/webhooks/{id}",
    params: endpointParams,
    response: { status: 200, description: "The endpoint, deleted with its delivery log", schema: z.object({ data: z.object({ id: z.string() }) }) },
  }),
  rotateSecret: defineContract({
    method: "POST",
    path: "/api/console/webhooks/{id}/rotate-secret",
    params: endpointParams,
    response: { status: 200, description: "The endpoint, with its new signing secret", schema: z.object({ data: webhookEndpointWithSecret }) },
  }),
  sendTest: defineContract({
    method: "POST",
    path: "/api/console/webhooks/{id}/test",
    params: endpointParams,
    response: { status: 202, description: "A webhook.test event queued for this endpoint", schema: z.object({ data: z.object({ eventId: z.string() }) }) },
  }),
  deliveries: defineContract({
    method: "GET",
    path: "/api/console/webhooks/{id}/deliveries",
    params: endpointParams,
    query: deliveryLogQuery,
    response: { status: 200, description: "A page of the endpoint's deliveries, newest first", schema: z.object({ data: deliveryLogPage }) },
  }),
  redeliver: defineContract({
    method: "POST",
    path: "/api/console/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    params: deliveryParams,
    response: { status: 200, description: "The delivery, pending again", schema: z.object({ data: webhookDelivery }) },
  }),
  redeliverFailed: defineContract({
    method: "POST",
    path: "/api/console/webhooks/{id}/redeliver-failed",
    params: endpointParams,
    body: redeliverFailedRequest,
    response: { status: 200, description: "How many failed deliveries are pending again", schema: z.object({ data: z.object({ redelivered: int() }) }) },
  }),
};
