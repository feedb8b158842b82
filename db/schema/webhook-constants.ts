// The values of event webhooks that the wire and the console repeat. Free of any import, as
// db/constants.ts is, so that client-safe contracts (lib/contracts) can take them from here.

/** The event types an endpoint may subscribe to (docs/decisions/0018); an endpoint with no list gets them all. */
export const WEBHOOK_EVENT_TYPES = [
  "user.created",
  "user.updated",
  "user.deactivated",
  "user.reactivated",
  "leaver_job.completed",
  "leaver_job.undone",
  "token.revoked",
] as const;

/** A test event sent to one endpoint on request (the console's "Send test event"); nobody subscribes to it. */
export const WEBHOOK_TEST_EVENT = "webhook.test";

/** pending: to be sent (again); delivered: a 2xx answer; failed: every attempt failed, or its endpoint was disabled. */
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
