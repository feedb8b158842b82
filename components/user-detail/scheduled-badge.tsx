"use client";

import { errorMessage } from "@/components/ui/error-text";
import { RelativeTime } from "@/components/ui/relative-time";
import styles from "@/components/scheduled/scheduled.module.css";
import type { UserDetailDto } from "@/lib/query/user-detail";
import { useCancelSchedule } from "./use-user-status-mutations";
import { ActionButton } from "@/components/ui/action-button";

/** "Scheduled for …" on the user page while a deactivation is scheduled, with Cancel for those who may deactivate. */
export function ScheduledBadge({ detail, mayCancel, onDone }: { detail: UserDetailDto; mayCancel: boolean; onDone: (message: string) => void }) {
  const schedule = detail.scheduledDeactivation;
  const cancel = useCancelSchedule(detail.user.id);
  if (!schedule) return null;
  return (
    <div>
      <span className={styles.badge} data-testid="scheduled-badge">
        <span>
          Deactivation scheduled for <RelativeTime iso={schedule.effectiveAt} mode="datetime" />
        </span>
        {mayCancel && (
          <ActionButton
            disabled={cancel.isPending}
            onClick={() => cancel.mutate(schedule.id, { onSuccess: () => onDone(`The scheduled deactivation of ${detail.user.name} was cancelled.`) })}
          >
            {cancel.isPending ? "Cancelling…" : "Cancel schedule"}
          </ActionButton>
        )}
      </span>
      {cancel.isError && (
        <p role="alert" className={styles.problem}>
          Couldn&apos;t cancel: {errorMessage(cancel.error)}
        </p>
      )}
    </div>
  );
}
