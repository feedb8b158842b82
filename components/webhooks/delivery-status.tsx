"use client";

import type { WebhookDeliveryDto } from "@/lib/query/webhooks";
import styles from "./webhooks.module.css";

const STATUS = {
  delivered: { label: "Delivered", tone: styles.ok },
  pending: { label: "Pending", tone: styles.waiting },
  failed: { label: "Failed", tone: styles.bad },
} satisfies Record<WebhookDeliveryDto["status"], { label: string; tone: string | undefined }>;

export function DeliveryStatus({ delivery }: { delivery: WebhookDeliveryDto }) {
  const { label, tone } = STATUS[delivery.status];
  // A pending delivery that has failed before is being retried: say so, it is what an admin looks for.
  const retrying = delivery.status === "pending" && delivery.attempts > 0;
  return <span className={`${styles.badge} ${tone}`}>{retrying ? "Retrying" : label}</span>;
}

/** What the receiver answered last: its status code, or why there was no answer. */
export function ResponseText({ statusCode, error }: { statusCode: number | null; error: string | null }) {
  if (statusCode !== null) return <span className={statusCode >= 200 && statusCode < 300 ? styles.ok : styles.bad}>{statusCode}</span>;
  if (error) return <span className={styles.bad}>no answer</span>;
  return <span className={styles.muted}>—</span>;
}
