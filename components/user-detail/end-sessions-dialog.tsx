"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { plural } from "@/components/ui/plural";
import { useHydrated } from "@/components/ui/use-hydrated";
import { auditKeys, userKeys } from "@/lib/query/keys";
import { endUserSessionsRequest } from "@/lib/query/sessions";
import type { UserActionProps } from "./user-action";

/**
 * Ends every console session of the user's admin account, then waits for the page's data to be
 * read again, so that the open sessions read 0 (and the audit history shows the event) by the
 * time the dialog closes.
 */
function useEndUserSessions(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const revoked = await endUserSessionsRequest(id);
      await queryClient.invalidateQueries({ queryKey: userKeys.detail(id) });
      return revoked;
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  });
}

/**
 * "End sessions" and its confirmation. The dialog stays mounted while the open sessions drop to 0
 * underneath it (only the button goes), so focus moves to the page's status message afterwards.
 */
export function EndSessionsDialog({ detail, onDone, focusAfterSuccess }: UserActionProps) {
  const { user, access } = detail;
  const [open, setOpen] = useState(false);
  const end = useEndUserSessions(user.id);
  // Server-rendered: until React runs, a click would do nothing.
  const hydrated = useHydrated();
  const trigger = (
    <button type="button" className={formStyles.secondary} disabled={!hydrated}>
      End sessions
    </button>
  );
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={access.liveSessions > 0 ? trigger : undefined}
      title={`End ${user.name}'s sessions?`}
      description={`${user.name} is signed out of the console in every browser (${plural(access.liveSessions, "open session")}) at once, and has to sign in again with their password.`}
      confirmLabel="End sessions"
      pendingLabel="Ending sessions…"
      onConfirm={() => end.mutateAsync()}
      onSuccess={(revoked) => onDone(`Ended ${plural(revoked, "session")} of ${user.name}.`)}
      focusAfterSuccess={focusAfterSuccess}
    >
      <ul>
        <li>Their account and their personal access tokens are not touched: deactivating them is what stops those too.</li>
        <li>The change is recorded in the audit log.</li>
      </ul>
    </ConfirmDialog>
  );
}
