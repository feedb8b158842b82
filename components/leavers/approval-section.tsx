"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { plural } from "@/components/ui/plural";
import { RelativeTime } from "@/components/ui/relative-time";
import { LEAVER_APPROVAL_NOTE_MAX } from "@/db/constants";
import { decideLeaverJobRequest, type LeaverJobDto } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";
import { fmt } from "./labels";
import styles from "./leavers.module.css";

type Decision = "approve" | "reject";
const DECIDED: Record<string, string> = { approved: "Approved", rejected: "Rejected" };
const verbOf = (job: LeaverJobDto) => (job.kind === "reactivate" ? "reactivate" : "deactivate");

/** What the threshold was measured against: the job's users, and its admin's others of the window before it. */
function measuredAgainst(job: LeaverJobDto, approval: NonNullable<LeaverJobDto["approval"]>): string {
  const own = `${plural(approval.counted_rows, "user")} to ${verbOf(job)}`;
  const above = `above this organisation's threshold of ${fmt(approval.threshold)}.`;
  if (approval.recent_rows === 0) return `${own}, ${above}`;
  const hours = Math.round((Date.parse(approval.requested_at) - Date.parse(approval.recent_since)) / 3_600_000);
  return `${own}, and ${fmt(approval.recent_rows)} more in the same admin's jobs of the ${hours} hours before, run without a second admin: ${fmt(approval.counted_rows + approval.recent_rows)} in all, ${above}`;
}

/**
 * A job's second admin (docs/decisions/0025): while it waits, who may decide and until when, and
 * for other admins Approve and Reject, each with a note; once decided, by whom and why.
 */
export function ApprovalSection({ job, deactivatesYou }: { job: LeaverJobDto; deactivatesYou: boolean }) {
  const approval = job.approval;
  const [deciding, setDeciding] = useState<Decision | null>(null);
  if (!approval) return null;
  const measured = measuredAgainst(job, approval);

  if (job.status === "awaiting_approval") {
    return (
      <div className={styles.warning} data-testid="job-approval">
        <p>
          <strong>Awaiting approval by another admin</strong> (expires <RelativeTime iso={approval.expires_at} />
          ). {measured}
        </p>
        {approval.can_decide ? (
          <div className={styles.actions}>
            <button type="button" className={formStyles.primary} onClick={() => setDeciding("approve")}>
              Approve
            </button>
            {/* Whom the job deactivates cannot stop it (no-self-deactivation): they may still approve it. */}
            {!deactivatesYou && (
              <button type="button" className={formStyles.secondary} onClick={() => setDeciding("reject")}>
                Reject
              </button>
            )}
          </div>
        ) : (
          <p className={`${styles.muted} ${styles.small}`}>Nothing runs until an admin other than its creator approves it.</p>
        )}
        {deciding && <DecisionDialog job={job} decision={deciding} onClose={() => setDeciding(null)} />}
      </div>
    );
  }
  const by = approval.decided_by;
  return (
    <p className={`${styles.muted} ${styles.small}`} data-testid="job-approval">
      {approval.decision === "expired" ? (
        <>Approval expired: no other admin decided within 72 hours. {measured}</>
      ) : approval.decision ? (
        <>
          {DECIDED[approval.decision]} by {by?.name ?? "another admin"} {approval.decided_at && <RelativeTime iso={approval.decided_at} />}
          {approval.note ? <>: “{approval.note}”</> : "."}
        </>
      ) : (
        <>Needed a second admin: {measured}</>
      )}
    </p>
  );
}

function DecisionDialog({ job, decision, onClose }: { job: LeaverJobDto; decision: Decision; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const noteRef = useRef<HTMLInputElement>(null);
  const approving = decision === "approve";
  const users = plural(job.approval?.counted_rows ?? 0, "user");
  const undo = job.kind === "reactivate";
  const what = undo ? `${job.created_by.name}'s undo job` : `${job.created_by.name}'s job`;

  async function decide() {
    const updated = await decideLeaverJobRequest(job.id, decision, note.trim());
    queryClient.setQueryData(leaverKeys.job(job.id), updated);
    await queryClient.invalidateQueries({ queryKey: leaverKeys.jobList() });
    return updated;
  }

  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={approving ? "Approve this job?" : "Reject this job?"}
      description={
        approving
          ? undo
            ? `${what} will run: up to ${users} reactivated, those its deactivation job switched off. A user deactivated again since is left alone.`
            : `${what} will run: up to ${users} deactivated, exactly as previewed. Rows whose user changed since are reported, not acted upon.`
          : `${what} ends without changing anyone; its rows are skipped.${undo ? " The job it was to undo may be undone again later." : ""}`
      }
      confirmLabel={approving ? "Approve and run" : "Reject job"}
      pendingLabel={approving ? "Approving…" : "Rejecting…"}
      tone={approving ? "normal" : "danger"}
      onConfirm={decide}
      initialFocus={noteRef}
      confirmDisabled={!approving && !note.trim()}
    >
      <label className={formStyles.field}>
        {approving ? "Note (optional)" : "Why? (required)"}
        <input
          ref={noteRef}
          value={note}
          onChange={(event) => setNote(event.target.value)}
          maxLength={LEAVER_APPROVAL_NOTE_MAX}
          autoComplete="off"
          required={!approving}
        />
      </label>
      <p className={styles.small}>
        {approving ? "" : "A rejection says why; the button is enabled once it does. "}The note is kept with the job and in the audit log.
      </p>
    </ConfirmDialog>
  );
}
