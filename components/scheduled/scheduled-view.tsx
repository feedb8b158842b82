"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import listStyles from "@/components/ui/list-table.module.css";
import pageStyles from "@/components/ui/page.module.css";
import { DataTable } from "@/components/ui/data-table";
import { errorMessage } from "@/components/ui/error-text";
import { LoadError } from "@/components/ui/load-error";
import { RelativeTime } from "@/components/ui/relative-time";
import { scheduledKeys, userKeys } from "@/lib/query/keys";
import { cancelScheduleRequest, scheduledListQuery, type ScheduleDto } from "@/lib/query/scheduled";
import styles from "./scheduled.module.css";
import { TimeZoneCard } from "./time-zone-card";

function Source({ schedule }: { schedule: ScheduleDto }) {
  if (schedule.source !== "job" || !schedule.jobId) return <>Console</>;
  return <Link href={`/leavers?job=${encodeURIComponent(schedule.jobId)}`}>Leaver job, row {schedule.row}</Link>;
}

/**
 * The tenant's pending scheduled deactivations, soonest first, 50 at a time: "Show more" reads the
 * next page after the last one's (effective_at, id) cursor, never an OFFSET (docs/decisions/0024).
 */
export function ScheduledView({ mayCancel }: { mayCancel: boolean }) {
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(scheduledListQuery());
  const [message, setMessage] = useState("");
  const cancel = useMutation({
    mutationFn: (schedule: ScheduleDto) => cancelScheduleRequest(schedule.id),
    // The list's row names the user (the answer is the schedule alone).
    onSuccess: (_, schedule) => {
      setMessage(`Cancelled the scheduled deactivation of ${schedule.email ?? schedule.userId}.`);
      void queryClient.invalidateQueries({ queryKey: scheduledKeys.list() });
      void queryClient.invalidateQueries({ queryKey: userKeys.detail(schedule.userId) });
    },
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const timeZone = query.data?.pages[0]?.timeZone;

  return (
    <div className={pageStyles.page}>
      <header className={pageStyles.pageHeader}>
        <h1>Scheduled deactivations</h1>
        <p>
          Deactivations that take effect later, soonest first: from the user page&apos;s Deactivate dialog or a leaver file&apos;s effective_at column. Each
          runs within a minute of its time.{timeZone && ` A date without a time ends at 23:59 in the tenant's time zone, ${timeZone}.`}
        </p>
      </header>
      <p role="status" aria-live="polite">
        {message}
      </p>
      {cancel.isError && (
        <p role="alert" className={styles.problem}>
          Couldn&apos;t cancel: {errorMessage(cancel.error)}
        </p>
      )}
      <section className={pageStyles.card} aria-label="Scheduled deactivations">
        {query.isPending ? (
          <p className={pageStyles.muted}>Loading…</p>
        ) : query.isError ? (
          <LoadError what="the scheduled deactivations" error={query.error} onRetry={() => void query.refetch()} />
        ) : items.length === 0 ? (
          <div className={listStyles.stateBox}>
            <p>No deactivation is scheduled.</p>
          </div>
        ) : (
          <DataTable
            label="Scheduled deactivations"
            columns={["User", "Takes effect", "Source", "Reason / ticket", "Scheduled by", ...(mayCancel ? [{ label: <span>Action</span> }] : [])]}
            className={listStyles.table}
            wrapClassName={listStyles.tableWrap}
          >
            {items.map((schedule) => (
              <tr key={schedule.id}>
                <td>
                  <Link href={`/users/${schedule.userId}`}>{schedule.email ?? schedule.userId}</Link>
                  {schedule.name && <div className={pageStyles.muted}>{schedule.name}</div>}
                </td>
                <td>
                  <RelativeTime iso={schedule.effectiveAt} mode="datetime" />
                </td>
                <td>
                  <Source schedule={schedule} />
                </td>
                <td>{[schedule.reason, schedule.ticket].filter(Boolean).join(" · ")}</td>
                <td>{schedule.createdBy}</td>
                {mayCancel && (
                  <td>
                    <button
                      type="button"
                      className={formStyles.secondary}
                      disabled={cancel.isPending}
                      aria-label={`Cancel the scheduled deactivation of ${schedule.email ?? schedule.userId}`}
                      onClick={() => cancel.mutate(schedule)}
                    >
                      Cancel
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
        )}
        {query.hasNextPage && (
          <button
            type="button"
            className={`${formStyles.secondary} ${styles.more}`}
            disabled={query.isFetchingNextPage}
            onClick={() => void query.fetchNextPage()}
          >
            {query.isFetchingNextPage ? "Loading…" : "Show more"}
          </button>
        )}
      </section>
      <TimeZoneCard mayChange={mayCancel} />
    </div>
  );
}
