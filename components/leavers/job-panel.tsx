"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { RelativeTime } from "@/components/ui/relative-time";
import { cancelLeaverJobRequest, isAwaitingApproval, isRunning, leaverJobQuery, leaverJobViewerQuery } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";
import { ApprovalSection } from "./approval-section";
import { JobProgress } from "./job-progress";
import { KIND_LABELS, STATUS_LABELS } from "./labels";
import { JobResults } from "./job-results";
import { UndoDialog } from "./undo-dialog";
import { Loading, LoadError } from "./table-parts";
import { useFinishedJobInList } from "./use-finished-job-in-list";
import styles from "./leavers.module.css";

const statusTone = (status: string) =>
  status === "completed" ? styles.good : ["cancelled", "rejected", "expired"].includes(status) ? styles.bad : styles.neutral;

export function JobPanel({ jobId }: { jobId: string }) {
  const queryClient = useQueryClient();
  const query = useQuery(leaverJobQuery(jobId));
  const viewer = useQuery(leaverJobViewerQuery(jobId));
  // Until it is known, as if it did: a button shown and then taken away is worse than one that appears. If it
  // cannot be known, the buttons show and the server, which decides, answers.
  const deactivatesYou = viewer.isError ? false : (viewer.data?.deactivatesYou ?? true);
  const [undoing, setUndoing] = useState(false);
  const cancel = useMutation({
    mutationFn: () => cancelLeaverJobRequest(jobId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: leaverKeys.jobs() }),
  });

  const running = isRunning(query.data);
  useFinishedJobInList(query.data);

  if (query.isPending) return <Loading what="the job" />;
  if (query.isError) return <LoadError what="the job" error={query.error} onRetry={() => query.refetch()} />;

  const job = query.data;
  const awaiting = isAwaitingApproval(job);
  // Only a job that ran (all or part) can be undone: not one rejected, expired or still awaiting.
  const undoable = job.kind === "deactivate" && (job.status === "completed" || job.status === "cancelled") && !job.undone_by_job_id;
  return (
    <>
      <section className={styles.card} aria-labelledby="job-title">
        <div className={styles.sectionHeader}>
          <h2 id="job-title" className={styles.sectionTitle}>
            {job.kind === "deactivate" ? "3. Deactivation job" : "Undo job (reactivation)"}
          </h2>
          <span className={`${styles.badge} ${statusTone(job.status)}`} data-testid="job-status">
            {STATUS_LABELS[job.status] ?? job.status}
          </span>
        </div>
        <p className={`${styles.muted} ${styles.small}`}>
          {KIND_LABELS[job.kind]} started by {job.created_by.name} <RelativeTime iso={job.created_at} />
          {job.undo_of_job_id && (
            <>
              {" "}
              · undoes <Link href={`/leavers?job=${encodeURIComponent(job.undo_of_job_id)}`}>the deactivation job</Link>
            </>
          )}
          {job.undone_by_job_id && (
            <>
              {" "}
              · undone by <Link href={`/leavers?job=${encodeURIComponent(job.undone_by_job_id)}`}>an undo job</Link>
            </>
          )}
        </p>
        <ApprovalSection job={job} deactivatesYou={deactivatesYou} />
        {!awaiting && <JobProgress job={job} />}
        {cancel.isError && (
          <p role="alert" className={formStyles.error}>
            {errorMessage(cancel.error)}
          </p>
        )}
        <div className={styles.actions}>
          {(running || awaiting) && !deactivatesYou && (
            <button type="button" className={formStyles.secondary} disabled={cancel.isPending} onClick={() => cancel.mutate()}>
              {cancel.isPending ? "Cancelling…" : "Cancel job"}
            </button>
          )}
          {running && !deactivatesYou && (
            <span className={`${styles.muted} ${styles.small}`}>Cancelling stops before the next batch; rows not processed yet are skipped.</span>
          )}
          {viewer.data?.deactivatesYou && (running || awaiting || undoable) && (
            <span className={`${styles.muted} ${styles.small}`} data-testid="job-deactivates-you">
              This job deactivates you (or schedules your deactivation): another admin can cancel, reject or undo it.
            </span>
          )}
          {undoable && !deactivatesYou && (
            <button type="button" className={formStyles.secondary} onClick={() => setUndoing(true)}>
              Undo this job
            </button>
          )}
        </div>
      </section>
      {!running && !awaiting && <JobResults job={job} />}
      {undoable && !deactivatesYou && <UndoDialog open={undoing} onOpenChange={setUndoing} job={job} />}
    </>
  );
}
