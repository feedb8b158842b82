"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { ApprovalThresholdCard } from "./approval-threshold-card";
import { JobPanel } from "./job-panel";
import { PreviewPanel } from "./preview-panel";
import { RecentJobs } from "./recent-jobs";
import { UploadForm } from "./upload-form";
import styles from "./leavers.module.css";

/**
 * Upload → preview → job. Where the admin is lives in the URL (?preview=… or ?job=…), so a reload
 * or a shared link lands on the same preview or the same running job.
 */
export function LeaversView({ csrfToken }: { csrfToken: string }) {
  const params = useSearchParams();
  const jobId = params.get("job");
  const previewId = params.get("preview");
  return (
    <div className={styles.page}>
      <header className={styles.pageHeader}>
        <h1>Leavers</h1>
        <p className={styles.muted}>
          Deactivate many users at once from a CSV file. You see what would happen to every row before anything changes; a finished run can be undone.
        </p>
      </header>
      {(jobId || previewId) && (
        <p className={styles.backLink}>
          <Link href="/leavers">← Upload another file</Link>
        </p>
      )}
      {jobId ? (
        <JobPanel key={jobId} jobId={jobId} />
      ) : previewId ? (
        <PreviewPanel key={previewId} previewId={previewId} />
      ) : (
        <UploadForm csrfToken={csrfToken} />
      )}
      <RecentJobs currentJobId={jobId} />
      <ApprovalThresholdCard />
    </div>
  );
}
