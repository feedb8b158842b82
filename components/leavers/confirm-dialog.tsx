"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { AlertDialog } from "radix-ui";
import formStyles from "@/components/console/form.module.css";
import { confirmLeaverPreviewRequest, type LeaverPreviewDto } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";
import { plural } from "./labels";
import styles from "./leavers.module.css";

export function ConfirmDialog({ open, preview, onClose }: { open: boolean; preview: Pick<LeaverPreviewDto, "id" | "counts" | "total_rows">; onClose: () => void }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const count = preview.counts.will_deactivate ?? 0;
  const confirm = useMutation({
    mutationFn: () => confirmLeaverPreviewRequest(preview.id),
    onSuccess: async (job) => {
      await queryClient.invalidateQueries({ queryKey: leaverKeys.all });
      router.push(`/leavers?job=${encodeURIComponent(job.id)}`);
    },
  });
  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => !next && !confirm.isPending && (confirm.reset(), onClose())}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={styles.overlay} />
        <AlertDialog.Content className={styles.dialog}>
          <AlertDialog.Title className={styles.dialogTitle}>Deactivate {plural(count, "user")}?</AlertDialog.Title>
          <AlertDialog.Description>
            {plural(count, "user")} will be deactivated. Their access tokens and console sessions are revoked at once, so they are signed out everywhere.
          </AlertDialog.Description>
          <ul>
            <li>The other {plural(preview.total_rows - count, "row")} of the file change nothing.</li>
            <li>The run is recorded in the audit log, and can be undone afterwards (reactivating exactly these users; revoked tokens stay revoked).</li>
          </ul>
          {confirm.isError && (
            <p role="alert" className={formStyles.error}>
              {confirm.error.message}
            </p>
          )}
          <div className={styles.dialogActions}>
            <AlertDialog.Cancel asChild>
              <button type="button" className={formStyles.secondary} disabled={confirm.isPending}>
                Cancel
              </button>
            </AlertDialog.Cancel>
            {/* Not AlertDialog.Action: that would close the dialog before the job is created. */}
            <button type="button" className={formStyles.danger} disabled={confirm.isPending || confirm.isSuccess} onClick={() => confirm.mutate()}>
              {confirm.isPending || confirm.isSuccess ? "Starting…" : `Deactivate ${plural(count, "user")}`}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
