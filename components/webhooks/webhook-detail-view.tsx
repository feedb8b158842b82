"use client";

import Link from "next/link";
import { LoadError } from "@/components/ui/load-error";
import { RelativeTime } from "@/components/ui/relative-time";
import type { WebhookEndpointDto } from "@/lib/query/webhooks";
import { DeliveryLog } from "./delivery-log";
import { EndpointStatus, EventChips } from "./endpoint-status";
import styles from "./webhooks.module.css";
import { useWebhook } from "./use-webhooks";
import { WebhookActions } from "./webhook-actions";

/** One endpoint: its settings, what it has received, its actions, and its delivery log. */
export function WebhookDetailView({ id, initialData, retentionDays }: { id: string; initialData: WebhookEndpointDto; retentionDays: number }) {
  const query = useWebhook(id, initialData);
  const endpoint = query.data;
  return (
    <div className={styles.page}>
      <header className={styles.pageHeader}>
        <Link href="/webhooks" className={styles.back}>
          ← Webhooks
        </Link>
        <h1>{endpoint.url}</h1>
        {endpoint.description && <p className={styles.muted}>{endpoint.description}</p>}
      </header>
      <section className={styles.card} aria-label="Endpoint">
        {query.isError && <LoadError what="the endpoint" error={query.error} onRetry={() => query.refetch()} />}
        <dl className={styles.summary}>
          <div>
            <dt>Status</dt>
            <dd>
              <EndpointStatus endpoint={endpoint} />
              {!endpoint.enabled && endpoint.disabledAt && (
                <span className={styles.description}>
                  <RelativeTime iso={endpoint.disabledAt} />
                  {endpoint.disabledReason && `: ${endpoint.disabledReason}`}
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>Events</dt>
            <dd>
              <EventChips events={endpoint.events} />
            </dd>
          </div>
          <div>
            <dt>Pending</dt>
            <dd className={styles.number} data-testid="pending">
              {endpoint.stats.pending.toLocaleString("en-US")}
            </dd>
          </div>
          <div>
            <dt>Failed</dt>
            <dd className={styles.number} data-testid="failed">
              {endpoint.stats.failed.toLocaleString("en-US")}
            </dd>
          </div>
          <div>
            <dt>Last delivery</dt>
            <dd>{endpoint.stats.lastDeliveredAt ? <RelativeTime iso={endpoint.stats.lastDeliveredAt} /> : <span className={styles.muted}>never</span>}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <RelativeTime iso={endpoint.createdAt} />
              {endpoint.createdBy ? ` by ${endpoint.createdBy.name}` : " from the command line"}
            </dd>
          </div>
        </dl>
        <WebhookActions endpoint={endpoint} />
      </section>
      <DeliveryLog endpointId={id} retentionDays={retentionDays} />
    </div>
  );
}
