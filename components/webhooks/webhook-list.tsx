"use client";

import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { LoadError } from "@/components/ui/load-error";
import { RelativeTime } from "@/components/ui/relative-time";
import { EndpointStatus, EventChips } from "./endpoint-status";
import styles from "./webhooks.module.css";
import { useWebhookList } from "./use-webhooks";

export function WebhookList() {
  const endpoints = useWebhookList();

  let body;
  if (endpoints.isPending) {
    body = <p className={styles.muted}>Loading the endpoints…</p>;
  } else if (endpoints.isError) {
    body = <LoadError what="the webhook endpoints" error={endpoints.error} onRetry={() => endpoints.refetch()} />;
  } else if (endpoints.data.length === 0) {
    body = (
      <div className={styles.stateBox}>
        <p>No endpoints yet. Add one above to have Roster tell another system when users join, change or leave.</p>
      </div>
    );
  } else {
    body = (
      <DataTable className={styles.table} wrapClassName={styles.tableWrap} columns={["Endpoint", "Events", "Status", "Pending", "Failed", "Last delivery"]}>
        {endpoints.data.map((endpoint) => (
          <tr key={endpoint.id} className={endpoint.enabled ? undefined : styles.inactiveRow}>
            <th scope="row" className={styles.urlCell}>
              <Link href={`/webhooks/${endpoint.id}`} className={styles.url}>
                {endpoint.url}
              </Link>
              {endpoint.description && <span className={styles.description}>{endpoint.description}</span>}
            </th>
            <td>
              <EventChips events={endpoint.events} />
            </td>
            <td>
              <EndpointStatus endpoint={endpoint} />
            </td>
            <td className={styles.number} data-testid="pending">
              {endpoint.stats.pending.toLocaleString("en-US")}
            </td>
            <td className={styles.number} data-testid="failed">
              {endpoint.stats.failed.toLocaleString("en-US")}
            </td>
            <td>{endpoint.stats.lastDeliveredAt ? <RelativeTime iso={endpoint.stats.lastDeliveredAt} /> : <span className={styles.muted}>never</span>}</td>
          </tr>
        ))}
      </DataTable>
    );
  }

  return (
    <section aria-labelledby="webhook-list-title" className={styles.card}>
      <div className={styles.listHeader}>
        <h2 id="webhook-list-title" className={styles.sectionTitle}>
          Endpoints
        </h2>
        {endpoints.isFetching && !endpoints.isPending && <span className={styles.muted}>Refreshing…</span>}
      </div>
      {body}
    </section>
  );
}
