"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { AlertDialog } from "radix-ui";
import formStyles from "@/components/console/form.module.css";
import { undoLeaverJobRequest, type LeaverJobDto } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";
import { plural } from "./labels";
import styles from "./leavers.module.css";

export function UndoDialog({ open, job, onClose }: { open: boolean; job: LeaverJobDto; onClose: () => void }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const deactivated = job.counts?.deactivated ?? 0;
  const undo = useMutation({
    mutationFn: () => undoLeaverJobRequest(job.id),
    onSuccess: async (undoJob) => {
      await queryClient.invalidateQueries({ queryKey: leaverKeys.jobs() });
      router.push(`/leavers?job=${encodeURIComponent(undoJob.id)}`);
    },
  });
  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => !next && !undo.isPending && (undo.reset(), onClose())}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={styles.overlay} />
        <AlertDialog.Content className={styles.dialog}>
          <AlertDialog.Title className={styles.dialogTitle}>Undo this job?</AlertDialog.Title>
          <AlertDialog.Description>
            The {plural(deactivated, "user")} this job deactivated will be active again. Users that were already inactive before the job stay inactive.
          </AlertDialog.Description>
          <ul>
            <li>Tokens and sessions revoked by the job stay revoked; people sign in again.</li>
            <li>A user deactivated again since the job ran is left alone.</li>
          </ul>
          {undo.isError && (
            <p role="alert" className={formStyles.error}>
              {undo.error.message}
            </p>
          )}
          <div className={styles.dialogActions}>
            <AlertDialog.Cancel asChild>
              <button type="button" className={formStyles.secondary} disabled={undo.isPending}>
                Cancel
              </button>
            </AlertDialog.Cancel>
            <button type="button" className={formStyles.primary} disabled={undo.isPending || undo.isSuccess} onClick={() => undo.mutate()}>
              {undo.isPending || undo.isSuccess ? "Starting…" : `Reactivate ${plural(deactivated, "user")}`}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
