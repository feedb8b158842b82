"use client";

import { plural } from "@/components/ui/plural";
import { undoLeaverJobRequest, type LeaverJobDto } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";
import { StartJobDialog } from "./start-job-dialog";

/** Undoes a finished deactivation job: starts the undo job, then opens its page. */
export function UndoDialog({ open, onOpenChange, job }: { open: boolean; onOpenChange: (open: boolean) => void; job: LeaverJobDto }) {
  const deactivated = job.counts?.deactivated ?? 0;

  return (
    <StartJobDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Undo this job?"
      description={`The ${plural(deactivated, "user")} this job deactivated will be active again. Users that were already inactive before the job stay inactive.`}
      confirmLabel={`Reactivate ${plural(deactivated, "user")}`}
      tone="normal"
      start={() => undoLeaverJobRequest(job.id)}
      stale={leaverKeys.jobs()}
    >
      <ul>
        <li>Tokens and sessions revoked by the job stay revoked; people sign in again.</li>
        <li>A user deactivated again since the job ran is left alone.</li>
        <li>
          If it reactivates more users than this organisation&apos;s approval threshold (counted with your other undos of the last 24 hours), it waits until
          another admin approves it.
        </li>
      </ul>
    </StartJobDialog>
  );
}
