"use client";

import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import type { AuditEventDto } from "@/lib/query/audit";
import styles from "./audit.module.css";

const GOOD_OUTCOMES = new Set(["success", "deactivated", "reactivated", "linked", "created", "revoked"]);
const BAD_OUTCOMES = new Set(["failed", "failure", "denied", "error", "locked", "throttled"]);

function outcomeClass(outcome: string): string {
  if (GOOD_OUTCOMES.has(outcome)) return styles.good!;
  if (BAD_OUTCOMES.has(outcome)) return styles.bad!;
  return styles.neutral!;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The first few details as `key: value`; the whole JSON one click away. */
function Details({ details }: { details: Record<string, unknown> | null }) {
  const entries = Object.entries(details ?? {});
  if (entries.length === 0) return <span className={styles.muted}>—</span>;
  const summary = entries
    .slice(0, 3)
    .map(([key, value]) => `${key}: ${cellText(value)}`)
    .join(" · ");
  return (
    <details className={styles.details}>
      <summary title={summary}>
        {summary}
        {entries.length > 3 && ` (+${entries.length - 3})`}
      </summary>
      <pre>{JSON.stringify(details, null, 2)}</pre>
    </details>
  );
}

function Target({ event }: { event: AuditEventDto }) {
  if (!event.targetId) return <span className={styles.muted}>—</span>;
  // The person (their email) or the token's name when known; the id stays one hover away.
  const label = event.targetLabel ?? event.targetId;
  const id =
    event.targetType === "user" ? (
      <Link href={`/users/${encodeURIComponent(event.targetId)}`} className={event.targetLabel ? styles.label : styles.id} title={event.targetId}>
        {label}
      </Link>
    ) : (
      <span className={event.targetLabel ? styles.label : styles.id} title={event.targetId}>
        {label}
      </span>
    );
  return (
    <>
      {event.targetType && <span className={styles.kind}>{event.targetType}</span>}
      {id}
    </>
  );
}

export function AuditTable({ events, busy }: { events: AuditEventDto[]; busy: boolean }) {
  return (
    <DataTable
      columns={["Time", "Actor", "Action", "Target", "Outcome", "Details"]}
      busy={busy}
      className={`${styles.table} ${busy ? styles.busy : ""}`}
      wrapClassName={styles.tableWrap}
    >
      {events.map((event) => (
        <tr key={event.id} data-request-id={event.requestId ?? undefined}>
          <td className={styles.time} data-label="Time">
            <RelativeTime iso={event.at} mode="datetime" />
          </td>
          <td className={styles.actor} data-label="Actor">
            <span title={event.actorId ?? undefined}>{event.actorName ?? event.actorId ?? "unknown"}</span>
            <span className={styles.kind}>{event.actorType}</span>
          </td>
          <td data-label="Action">
            <code className={styles.action}>{event.action}</code>
          </td>
          <td className={styles.target} data-label="Target">
            <Target event={event} />
          </td>
          <td data-label="Outcome">
            <span className={`${styles.outcome} ${outcomeClass(event.outcome)}`}>{event.outcome}</span>
          </td>
          <td className={styles.detailsCell} data-label="Details">
            <Details details={event.details} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
