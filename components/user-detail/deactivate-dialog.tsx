"use client";

import { useState, type RefObject } from "react";
import formStyles from "@/components/console/form.module.css";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { plural } from "@/components/ui/plural";
import type { UserDetailDto } from "@/lib/query/user-detail";
import { useDeactivateUser } from "./use-user-status-mutations";

function summary({ user, access }: UserDetailDto) {
  if (access.adminRole === null) {
    return `This will switch ${user.name} off in Roster: they are marked inactive, and every app that asks Roster sees them as deactivated until they are reactivated. They have no console access and no personal access tokens.`;
  }
  return `This will sign ${user.name} out of Roster: their ${plural(access.liveTokens, "personal access token")} and ${plural(access.liveSessions, "console session")} are revoked; they can't sign in until reactivated.`;
}

/**
 * Deactivation with a typed confirmation. The dialog stays mounted while the user turns inactive
 * underneath it (only the trigger goes), so the success path can close it calmly; focus then moves
 * to the page's status message (onDone), since the trigger is gone.
 */
export function DeactivateDialog({ detail, showTrigger, onDone, focusAfterSuccess }: { detail: UserDetailDto; showTrigger: boolean; onDone: (message: string) => void; focusAfterSuccess: RefObject<HTMLElement | null> }) {
  const { user } = detail;
  const [open, setOpen] = useState(false);
  const mutation = useDeactivateUser(user.id);

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        showTrigger ? (
          <button type="button" className={formStyles.danger}>
            Deactivate
          </button>
        ) : undefined
      }
      title={`Deactivate ${user.name}?`}
      description={summary(detail)}
      confirmLabel="Deactivate"
      pendingLabel="Deactivating…"
      tone="danger"
      typedConfirmation={{ text: user.email, hint: "Not case-sensitive. The Deactivate button is enabled once the email matches." }}
      onConfirm={(typed) => mutation.mutateAsync(typed)}
      onSuccess={(result) =>
        onDone(
          result.status === "already-inactive"
            ? `${user.name} was already inactive; nothing changed.`
            : `${user.name} was deactivated: ${plural(result.tokensRevoked, "personal access token")} and ${plural(result.sessionsRevoked, "console session")} revoked.`,
        )
      }
      focusAfterSuccess={focusAfterSuccess}
    >
      <ul>
        <li>
          Their state becomes <code>inactive:deactivated</code> and the change is recorded in the audit log.
        </li>
        {detail.access.adminRole !== null && <li>Reactivating them later does not bring revoked tokens or sessions back.</li>}
      </ul>
    </ConfirmDialog>
  );
}
