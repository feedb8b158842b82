"use client";

import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import styles from "./webhooks.module.css";

const HOUR = 3_600_000;
const SINCE_CHOICES = [
  { value: "1h", label: "the last hour", ms: HOUR },
  { value: "24h", label: "the last 24 hours", ms: 24 * HOUR },
  { value: "7d", label: "the last 7 days", ms: 7 * 24 * HOUR },
  { value: "all", label: "any time", ms: null },
] as const;

type SinceChoice = (typeof SINCE_CHOICES)[number]["value"];

/** Sends the endpoint's failed deliveries again, of events since a chosen time. */
export function RedeliverFailedDialog({
  open,
  onOpenChange,
  onRedeliver,
  onDone,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRedeliver: (since: string | null) => Promise<{ redelivered: number }>;
  onDone: (result: { redelivered: number }) => void;
}) {
  const [since, setSince] = useState<SinceChoice>("24h");
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Redeliver failed deliveries?"
      description="Every delivery that gave up is sent again now, in order per user, with the same webhook-id (receivers drop repeats by it)."
      confirmLabel="Redeliver"
      pendingLabel="Redelivering…"
      tone="normal"
      onConfirm={() => {
        const ms = SINCE_CHOICES.find((choice) => choice.value === since)!.ms;
        return onRedeliver(ms === null ? null : new Date(Date.now() - ms).toISOString());
      }}
      onSuccess={onDone}
    >
      <fieldset className={styles.events}>
        <legend>Failed deliveries of events from</legend>
        {SINCE_CHOICES.map((choice) => (
          <label key={choice.value} className={styles.choice}>
            <input type="radio" name="redeliver-since" checked={since === choice.value} onChange={() => setSince(choice.value)} />
            {choice.label}
          </label>
        ))}
      </fieldset>
    </ConfirmDialog>
  );
}
