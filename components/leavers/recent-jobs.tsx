"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { leaverJobListQuery } from "@/lib/query/leavers";
import { fmt, KIND_LABELS, STATUS_LABELS } from "./labels";
import { LeaverTable, Loading, LoadError } from "./table-parts";
import styles from "./leavers.module.css";

export function RecentJobs({ currentJobId }: { currentJobId: string | null }) {
  const query = useQuery(leaverJobListQuery());
  return (
    <section className={styles.card} aria-labelledby="recent-title">
      <h2 id="recent-title" className={styles.sectionTitle}>
        Recent jobs
      </h2>
      {query.isPending ? (
        <Loading what="recent jobs" />
      ) : query.isError ? (
        <LoadError what="recent jobs" error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.length === 0 ? (
        <p className={styles.muted}>No leaver jobs yet. Upload a file above to start one.</p>
      ) : (
        <LeaverTable label="Recent jobs" columns={["Job", "Status", { label: "Processed", className: styles.num }, "Created by", "Created"]}>
          {query.data.map((job) => (
            <tr key={job.id}>
              <td>
                <Link href={`/leavers?job=${encodeURIComponent(job.id)}`} aria-current={job.id === currentJobId ? "page" : undefined}>
                  {KIND_LABELS[job.kind] ?? job.kind}
                </Link>
                {job.undone_by_job_id && <span className={`${styles.muted} ${styles.small}`}> · undone</span>}
              </td>
              <td>{STATUS_LABELS[job.status] ?? job.status}</td>
              <td className={styles.num}>
                {fmt(job.processed_rows)} / {fmt(job.total_rows)}
              </td>
              <td className={styles.wrap}>{job.created_by.name}</td>
              <td>
                <RelativeTime iso={job.created_at} />
              </td>
            </tr>
          ))}
        </LeaverTable>
      )}
    </section>
  );
}
