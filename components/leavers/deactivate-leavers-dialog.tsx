"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { plural } from "@/components/ui/plural";
import { confirmLeaverPreviewRequest, type LeaverPreviewDto } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";

/** Confirms a preview: starts the job, then opens its page (the dialog stays until it does). */
export function DeactivateLeaversDialog({
  open,
  onOpenChange,
  preview,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  preview: Pick<LeaverPreviewDto, "id" | "counts" | "total_rows">;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const count = preview.counts.will_deactivate ?? 0;
  const others = preview.total_rows - count;

  async function start() {
    const job = await confirmLeaverPreviewRequest(preview.id);
    await queryClient.invalidateQueries({ queryKey: leaverKeys.all });
    return job;
  }

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Deactivate ${plural(count, "user")}?`}
      description={`${plural(count, "user")} will be deactivated. Their access tokens and console sessions are revoked at once, so they are signed out everywhere.`}
      confirmLabel={`Deactivate ${plural(count, "user")}`}
      pendingLabel="Starting…"
      tone="danger"
      onConfirm={start}
      onSuccess={(job) => router.push(`/leavers?job=${encodeURIComponent(job.id)}`)}
      afterSuccess="stay"
    >
      <ul>
        <li>
          The other {plural(others, "row")} of the file {others === 1 ? "changes" : "change"} nothing.
        </li>
        <li>The run is recorded in the audit log, and can be undone afterwards (reactivating exactly these users; revoked tokens stay revoked).</li>
      </ul>
    </ConfirmDialog>
  );
}
