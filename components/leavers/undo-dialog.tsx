"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { plural } from "@/components/ui/plural";
import { undoLeaverJobRequest, type LeaverJobDto } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";

/** Undoes a finished deactivation job: starts the undo job, then opens its page. */
export function UndoDialog({ open, onOpenChange, job }: { open: boolean; onOpenChange: (open: boolean) => void; job: LeaverJobDto }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const deactivated = job.counts?.deactivated ?? 0;

  async function undo() {
    const undoJob = await undoLeaverJobRequest(job.id);
    await queryClient.invalidateQueries({ queryKey: leaverKeys.jobs() });
    return undoJob;
  }

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Undo this job?"
      description={`The ${plural(deactivated, "user")} this job deactivated will be active again. Users that were already inactive before the job stay inactive.`}
      confirmLabel={`Reactivate ${plural(deactivated, "user")}`}
      pendingLabel="Starting…"
      tone="normal"
      onConfirm={undo}
      onSuccess={(undoJob) => router.push(`/leavers?job=${encodeURIComponent(undoJob.id)}`)}
      afterSuccess="stay"
    >
      <ul>
        <li>Tokens and sessions revoked by the job stay revoked; people sign in again.</li>
        <li>A user deactivated again since the job ran is left alone.</li>
      </ul>
    </ConfirmDialog>
  );
}
