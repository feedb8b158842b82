import type { WebhookEventType } from "@/db/schema/webhook-constants";

/** What each event type tells a receiver, in a person's words (docs/webhooks.md has each one's data). */
export const EVENT_LABELS = {
  "user.created": "A user was created",
  "user.updated": "A user's details changed, or an identity was linked",
  "user.deactivated": "A user was deactivated (tokens and sessions revoked)",
  "user.reactivated": "A user was reactivated",
  "leaver_job.completed": "A bulk leaver job finished",
  "leaver_job.undone": "A bulk leaver job was undone",
  "token.revoked": "A personal access token was revoked by hand",
} satisfies Record<WebhookEventType, string>;

export function eventLabel(type: string): string {
  return (EVENT_LABELS as Record<string, string>)[type] ?? type;
}
