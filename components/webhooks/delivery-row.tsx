"use client";

import { useId, useState } from "react";
import { errorMessage } from "@/components/ui/error-text";
import { RelativeTime } from "@/components/ui/relative-time";
import type { WebhookDeliveryDto } from "@/lib/query/webhooks";
import { DeliveryStatus, ResponseText } from "./delivery-status";
import styles from "./webhooks.module.css";
import { ActionButton } from "@/components/ui/action-button";

const COLUMNS = 8;

function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/** One delivery of the log, with its attempts and body behind "Details", and "Redeliver". */
export function DeliveryRow({ delivery, onRedeliver }: { delivery: WebhookDeliveryDto; onRedeliver: (delivery: WebhookDeliveryDto) => Promise<unknown> }) {
  const detailsId = useId();
  const [open, setOpen] = useState(false);
  const [redelivering, setRedelivering] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function redeliver() {
    setRedelivering(true);
    setProblem(null);
    try {
      await onRedeliver(delivery);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setRedelivering(false);
    }
  }

  return (
    <>
      <tr data-testid="delivery" data-event-id={delivery.eventId}>
        <th scope="row" className={styles.urlCell}>
          <code>{delivery.eventType}</code>
          <span className={styles.description}>
            <RelativeTime iso={delivery.createdAt} /> · <code>{delivery.eventId}</code>
          </span>
        </th>
        <td>
          <DeliveryStatus delivery={delivery} />
        </td>
        <td className={styles.number}>{delivery.attempts}</td>
        <td className={styles.number} data-testid="response">
          <ResponseText statusCode={delivery.lastStatusCode} error={delivery.lastError} />
        </td>
        <td className={styles.number}>{delivery.lastLatencyMs === null ? <span className={styles.muted}>—</span> : `${delivery.lastLatencyMs} ms`}</td>
        <td>
          {delivery.status === "pending" && delivery.nextAttemptAt && (
            <>
              next <RelativeTime iso={delivery.nextAttemptAt} />
            </>
          )}
          {delivery.status === "delivered" && delivery.deliveredAt && (
            <>
              delivered <RelativeTime iso={delivery.deliveredAt} />
            </>
          )}
          {delivery.status === "failed" && <span className={styles.muted}>gave up</span>}
        </td>
        <td className={styles.error} data-testid="error">
          {delivery.lastError}
        </td>
        <td className={styles.actionCell}>
          <ActionButton className={styles.smallButton} aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
            {open ? "Hide" : "Details"}
          </ActionButton>{" "}
          <ActionButton
            className={styles.smallButton}
            onClick={redeliver}
            disabled={redelivering}
            aria-label={`Redeliver ${delivery.eventType} ${delivery.eventId}`}
          >
            {redelivering ? "Redelivering…" : "Redeliver"}
          </ActionButton>
          {problem && (
            <p role="alert" className={styles.error}>
              {problem}
            </p>
          )}
        </td>
      </tr>
      {open && (
        <tr id={detailsId} className={styles.detailRow}>
          <td colSpan={COLUMNS}>
            {delivery.attemptLog.length === 0 ? (
              <p className={styles.muted}>Not attempted yet.</p>
            ) : (
              <ol className={styles.attempts} aria-label="Attempts">
                {delivery.attemptLog.map((attempt) => (
                  <li key={attempt.attempt}>
                    Attempt {attempt.attempt}, <RelativeTime iso={attempt.at} mode="datetime" />:{" "}
                    <ResponseText statusCode={attempt.statusCode} error={attempt.error} /> in {attempt.latencyMs} ms
                    {attempt.error && <span className={styles.error}> — {attempt.error}</span>}
                  </li>
                ))}
              </ol>
            )}
            <pre className={styles.payload} aria-label="Body sent">
              {prettyPayload(delivery.payload)}
            </pre>
          </td>
        </tr>
      )}
    </>
  );
}
