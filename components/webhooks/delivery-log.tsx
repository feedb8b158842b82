"use client";

import { useId, useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { LoadError } from "@/components/ui/load-error";
import { plural } from "@/components/ui/plural";
import { SelectField } from "@/components/ui/select-field";
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from "@/db/schema/webhook-constants";
import formStyles from "@/components/console/form.module.css";
import { DeliveryRow } from "./delivery-row";
import { RedeliverFailedDialog } from "./redeliver-failed-dialog";
import styles from "./webhooks.module.css";
import { useDeliveryLog, useRedeliver, useRedeliverFailed } from "./use-webhooks";

const ALL = "all";
const STATUS_OPTIONS = [
  { value: ALL, label: "All deliveries" },
  ...WEBHOOK_DELIVERY_STATUSES.map((status) => ({ value: status, label: status[0]!.toUpperCase() + status.slice(1) })),
];

/** The endpoint's deliveries, newest first, a page at a time; each can be sent again, and so can all failed ones. */
export function DeliveryLog({ endpointId }: { endpointId: string }) {
  const id = useId();
  const [status, setStatus] = useState<WebhookDeliveryStatus | null>(null);
  const [redeliveringFailed, setRedeliveringFailed] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const log = useDeliveryLog(endpointId, { status });
  const redeliver = useRedeliver(endpointId);
  const redeliverFailed = useRedeliverFailed(endpointId);
  const deliveries = log.data?.pages.flatMap((page) => page.deliveries) ?? [];

  let body;
  if (log.isPending) {
    body = <p className={styles.muted}>Loading the delivery log…</p>;
  } else if (log.isError) {
    body = <LoadError what="the delivery log" error={log.error} onRetry={() => log.refetch()} />;
  } else if (deliveries.length === 0) {
    body = (
      <div className={styles.stateBox}>
        <p>{status ? `No ${status} deliveries.` : "Nothing sent yet. Events appear here as they happen; “Send test event” sends one now."}</p>
      </div>
    );
  } else {
    body = (
      <>
        <DataTable
          className={styles.table}
          wrapClassName={styles.tableWrap}
          label="Deliveries"
          columns={["Event", "Status", "Attempts", "Response", "Latency", "When", "Error", { label: <span className={styles.visuallyHidden}>Actions</span> }]}
        >
          {deliveries.map((delivery) => (
            <DeliveryRow key={delivery.id} delivery={delivery} onRedeliver={(d) => redeliver.mutateAsync(d.id)} />
          ))}
        </DataTable>
        {log.hasNextPage && (
          <div className={styles.more}>
            <button type="button" className={formStyles.secondary} onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {log.isFetchingNextPage ? "Loading…" : "Show older deliveries"}
            </button>
          </div>
        )}
      </>
    );
  }

  return (
    <section aria-labelledby={`${id}-title`} className={styles.card}>
      <div className={styles.listHeader}>
        <h2 id={`${id}-title`} className={styles.sectionTitle}>
          Delivery log
        </h2>
        {log.isFetching && !log.isPending && !log.isFetchingNextPage && <span className={styles.muted}>Refreshing…</span>}
        <span className={styles.spacer} />
        <button type="button" className={styles.smallButton} onClick={() => log.refetch()}>
          Refresh
        </button>
        <button type="button" className={styles.smallButton} onClick={() => setRedeliveringFailed(true)}>
          Redeliver failed…
        </button>
      </div>
      <div className={styles.filters}>
        <SelectField
          id={`${id}-status`}
          label="Show"
          value={status ?? ALL}
          onValueChange={(value) => setStatus(value === ALL ? null : (value as WebhookDeliveryStatus))}
          groups={[{ label: "Status", options: STATUS_OPTIONS }]}
        />
      </div>
      <p role="status" className={styles.muted}>
        {notice}
      </p>
      {body}
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
