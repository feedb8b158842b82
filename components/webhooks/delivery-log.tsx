"use client";

import { useId, useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { ListBody, ListHeader } from "@/components/ui/list-card";
import { plural } from "@/components/ui/plural";
import { SelectField } from "@/components/ui/select-field";
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from "@/db/schema/webhook-constants";
import formStyles from "@/components/console/form.module.css";
import { DeliveryRow } from "./delivery-row";
import { RedeliverFailedDialog } from "./redeliver-failed-dialog";
import styles from "./webhooks.module.css";
import { useDeliveryLog, useRedeliver, useRedeliverFailed } from "./use-webhooks";
import { ActionButton } from "@/components/ui/action-button";

const ALL = "all";
const STATUS_OPTIONS = [
  { value: ALL, label: "All deliveries" },
  ...WEBHOOK_DELIVERY_STATUSES.map((status) => ({ value: status, label: status[0]!.toUpperCase() + status.slice(1) })),
];

/**
 * The endpoint's deliveries, newest first, a page at a time; each can be sent again, and so can all
 * failed ones. Finished ones are kept for `retentionDays` (WEBHOOK_RETENTION_DAYS) and then pruned.
 */
export function DeliveryLog({ endpointId, retentionDays }: { endpointId: string; retentionDays: number }) {
  const id = useId();
  const [status, setStatus] = useState<WebhookDeliveryStatus | null>(null);
  const [redeliveringFailed, setRedeliveringFailed] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const log = useDeliveryLog(endpointId, { status });
  const redeliver = useRedeliver(endpointId);
  const redeliverFailed = useRedeliverFailed(endpointId);

  return (
    <section aria-labelledby={`${id}-title`} className={styles.card}>
      <ListHeader titleId={`${id}-title`} title="Delivery log" query={log}>
        <span className={styles.spacer} />
        <ActionButton className={styles.smallButton} onClick={() => log.refetch()}>
          Refresh
        </ActionButton>
        <ActionButton className={styles.smallButton} onClick={() => setRedeliveringFailed(true)}>
          Redeliver failed…
        </ActionButton>
      </ListHeader>
      <div className={styles.filters}>
        <SelectField
          id={`${id}-status`}
          label="Show"
          value={status ?? ALL}
          onValueChange={(value) => setStatus(value === ALL ? null : (value as WebhookDeliveryStatus))}
          groups={[{ label: "Status", options: STATUS_OPTIONS }]}
        />
      </div>
      <p className={styles.note}>
        Delivered and failed deliveries are kept for {plural(retentionDays, "day", "days")} after their last attempt; pending ones until they end.
      </p>
      <p role="status" className={styles.muted}>
        {notice}
      </p>
      <ListBody
        query={log}
        items={log.data?.pages.flatMap((page) => page.deliveries)}
        what="the delivery log"
        empty={status ? `No ${status} deliveries.` : "Nothing sent yet. Events appear here as they happen; “Send test event” sends one now."}
      >
        {(deliveries) => (
          <>
            <DataTable
              className={styles.table}
              wrapClassName={styles.tableWrap}
              label="Deliveries"
              columns={[
                "Event",
                "Status",
                "Attempts",
                "Response",
                "Latency",
                "When",
                "Error",
                { label: <span className={styles.visuallyHidden}>Actions</span> },
              ]}
            >
              {deliveries.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} onRedeliver={(d) => redeliver.mutateAsync(d.id)} />
              ))}
            </DataTable>
            {log.hasNextPage && (
              <div className={styles.more}>
                <ActionButton className={formStyles.secondary} onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                  {log.isFetchingNextPage ? "Loading…" : "Show older deliveries"}
                </ActionButton>
              </div>
            )}
          </>
        )}
      </ListBody>
      <RedeliverFailedDialog
        open={redeliveringFailed}
        onOpenChange={setRedeliveringFailed}
        onRedeliver={(since) => redeliverFailed.mutateAsync(since)}
        onDone={({ redelivered }) =>
          setNotice(redelivered === 0 ? "No failed deliveries to send again." : `${plural(redelivered, "failed delivery", "failed deliveries")} queued again.`)
        }
      />
    </section>
  );
}
