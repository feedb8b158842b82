"use client";

import { Progress } from "radix-ui";
import type { LeaverJobDto } from "@/lib/query/leavers";
import { fmt, formatDuration } from "./labels";
import styles from "./leavers.module.css";

/** The bar with processed / total, rate and time left, as the API computes them. */
export function JobProgress({ job }: { job: LeaverJobDto }) {
  const { processed, total, percent, rate_per_second: rate, eta_seconds: eta } = job.progress;
  const running = job.status === "queued" || job.status === "running";
  const label = `${fmt(processed)} of ${fmt(total)} rows processed (${percent}%)`;
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: "0.5rem" }}>
      <Progress.Root className={styles.progressRoot} value={processed} max={Math.max(total, 1)} aria-label="Job progress" aria-valuetext={label}>
        <Progress.Indicator
          className={styles.progressIndicator}
          style={{ transform: `translateX(-${100 - (total === 0 ? 100 : (processed / total) * 100)}%)` }}
        />
      </Progress.Root>
      <dl className={styles.progressFacts} aria-live="polite" data-testid="job-progress">
        <div>
          <dt>Processed</dt>
          <dd>
            {fmt(processed)} / {fmt(total)} ({percent}%)
          </dd>
        </div>
        {running && (
          <>
            <div>
              <dt>Rate</dt>
              <dd>{rate === null ? "—" : `${fmt(rate)} rows/s`}</dd>
            </div>
            <div>
              <dt>Time left</dt>
              <dd>{eta === null ? (job.status === "queued" ? "waiting to start" : "estimating…") : `about ${formatDuration(eta)}`}</dd>
            </div>
          </>
        )}
      </dl>
    </div>
  );
}
