"use client";

import { plural } from "@/components/ui/plural";
import { confirmLeaverPreviewRequest, type LeaverPreviewDto } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";
import { StartJobDialog } from "./start-job-dialog";

/** Confirms a preview: starts the job, then opens its page. */
export function DeactivateLeaversDialog({
  open,
  onOpenChange,
  preview,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  preview: Pick<LeaverPreviewDto, "id" | "counts" | "total_rows">;
}) {
  const count = preview.counts.will_deactivate ?? 0;
  const scheduled = preview.counts.scheduled ?? 0;
  const others = preview.total_rows - count - scheduled;

  return (
    <StartJobDialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Deactivate ${plural(count, "user")}?`}
      description={`${plural(count, "user")} will be deactivated. Their access tokens and console sessions are revoked at once, so they are signed out everywhere.`}
      confirmLabel={`Deactivate ${plural(count, "user")}`}
      tone="danger"
      start={() => confirmLeaverPreviewRequest(preview.id)}
      // The preview now names its job, and the job list has one more.
      stale={leaverKeys.all}
    >
      <ul>
        {scheduled > 0 && (
          <li>
            {plural(scheduled, "user")} with a future effective_at {scheduled === 1 ? "is" : "are"} scheduled instead, each deactivated at its time (listed
            under Scheduled, where they can be cancelled).
          </li>
        )}
        <li>
          The other {plural(others, "row")} of the file {others === 1 ? "changes" : "change"} nothing.
        </li>
        <li>
          The run is recorded in the audit log, and can be undone afterwards (reactivating exactly these users, and cancelling its schedules not yet run;
          revoked tokens stay revoked).
        </li>
      </ul>
    </StartJobDialog>
  );
}
