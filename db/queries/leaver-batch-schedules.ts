import type { Db } from "../client";
import type { LeaverJob } from "../schema";
import type { PendingRow, RowEffect } from "./leaver-batch-rows";
import { jobActor } from "./leaver-jobs";
import { changed } from "./leaver-row-changes";
import { applySchedule } from "./scheduled-deactivations";

// A leaver job's rows whose effective_at is still ahead when the batch runs become scheduled
// deactivations (docs/decisions/0024), in the batch's transaction. Decided when the row is
// processed, not at confirmation: a job that waited (for an approval, a queue) deactivates now
// what has come due meanwhile, and schedules only what is still ahead.

/** Schedules the batch's future rows that no earlier rule skipped; fills their effects in place. */
export async function scheduleFutureRows(db: Db, job: LeaverJob, rows: readonly PendingRow[], effects: (RowEffect | undefined)[], now: number): Promise<void> {
  for (const [i, row] of rows.entries()) {
    if (effects[i] || !row.userId || row.effectiveAt === null || row.effectiveAt === undefined || row.effectiveAt <= now) continue;
    effects[i] = await scheduleRow(db, job, row, now);
  }
}

/** One row's schedule (also for a batch redone row by row). */
export async function scheduleRow(db: Db, job: LeaverJob, row: PendingRow, now: number): Promise<RowEffect> {
  const result = await applySchedule(
    db,
    {
      tenantId: job.tenantId,
      userId: row.userId!,
      effectiveAt: row.effectiveAt!,
      actor: jobActor(job),
      requestId: job.requestId,
      source: "job",
      jobId: job.id,
      rowNumber: row.rowNumber,
      reason: row.reason,
      ticket: row.ticket,
    },
    now,
  );
  // Previewed as active (to schedule): a user gone or deactivated since is a change, reported as for a deactivation.
  if (result.status === "not-found") return changed(row.class, "the user no longer exists");
  if (result.status === "already-inactive") return changed(row.class, "already_inactive");
  return { outcome: "scheduled", reason: `for ${new Date(row.effectiveAt!).toISOString()} (schedule ${result.schedule.id})` };
}

/** Whether a row is to be scheduled rather than applied now. */
export const isFutureRow = (row: PendingRow, now: number) =>
  row.userId !== null && row.effectiveAt !== null && row.effectiveAt !== undefined && row.effectiveAt > now;
