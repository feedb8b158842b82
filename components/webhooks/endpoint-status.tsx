"use client";

import { RelativeTime } from "@/components/ui/relative-time";
import type { WebhookEndpointDto } from "@/lib/query/webhooks";
import styles from "./webhooks.module.css";

/** Enabled, failing (deliveries failing since a time: disabled after 3 days of it) or disabled. */
export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpointDto }) {
  if (!endpoint.enabled) return <span className={`${styles.badge} ${styles.off}`}>Disabled</span>;
  if (endpoint.failingSince) {
    return (
      <span className={`${styles.badge} ${styles.bad}`}>
        Failing since <RelativeTime iso={endpoint.failingSince} />
      </span>
    );
  }
  return <span className={`${styles.badge} ${styles.ok}`}>Enabled</span>;
}

/** The event types an endpoint takes, as chips; "All events" for every type. */
export function EventChips({ events }: { events: string[] | null }) {
  if (events === null) return <span className={styles.muted}>All events</span>;
  return (
    <ul className={styles.chips} aria-label="Event types">
      {events.map((type) => (
        <li key={type}>
          <code>{type}</code>
        </li>
      ))}
    </ul>
  );
}
