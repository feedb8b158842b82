"use client";

import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { ListBody, ListHeader } from "@/components/ui/list-card";
import { RelativeTime } from "@/components/ui/relative-time";
import { EndpointStatus, EventChips } from "./endpoint-status";
import styles from "./webhooks.module.css";
import { useWebhookList } from "./use-webhooks";

export function WebhookList() {
  const endpoints = useWebhookList();

  return (
    <section aria-labelledby="webhook-list-title" className={styles.card}>
      <ListHeader titleId="webhook-list-title" title="Endpoints" query={endpoints} />
      <ListBody
        query={endpoints}
        items={endpoints.data}
        what="the webhook endpoints"
        empty="No endpoints yet. Add one above to have Roster tell another system when users join, change or leave."
      >
        {(items) => (
          <DataTable className={styles.table} wrapClassName={styles.tableWrap} columns={["Endpoint", "Events", "Status", "Pending", "Failed", "Last delivery"]}>
            {items.map((endpoint) => (
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
        )}
      </ListBody>
    </section>
  );
}
