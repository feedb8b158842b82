"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useHydrated } from "@/components/ui/use-hydrated";
import { auditKeys } from "@/lib/query/keys";
import { deleteSsoAccountLink } from "@/lib/query/user-detail";
import type { UserActionProps } from "./user-action";

/**
 * "Unlink" and its confirmation, for an admin whose account at the sign-in provider was made anew:
 * their next SSO sign-in then links whichever account holds their address (docs/decisions/0021).
 */
export function UnlinkSsoDialog({ detail, onDone, focusAfterSuccess }: UserActionProps) {
  const { user, access } = detail;
  const queryClient = useQueryClient();
  const unlink = useMutation({
    mutationFn: () => deleteSsoAccountLink(queryClient, user.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  });
  const [open, setOpen] = useState(false);
  // Server-rendered: until React runs, a click would do nothing.
  const hydrated = useHydrated();
  const trigger = (
    <button type="button" className={formStyles.secondary} disabled={!hydrated}>
      Unlink
    </button>
  );
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={access.ssoAccount ? trigger : undefined}
      title={`Unlink ${user.name}'s single sign-on account?`}
      description={`Until now only the account ${access.ssoAccount?.subject ?? ""} at the sign-in provider signs ${user.name} in through single sign-on. After this, their next SSO sign-in links whichever account holds ${user.email} then.`}
      confirmLabel="Unlink"
      pendingLabel="Unlinking…"
      onConfirm={() => unlink.mutateAsync()}
      onSuccess={(unlinked) => onDone(unlinked ? `Unlinked ${user.name}'s single sign-on account.` : `${user.name} had no single sign-on account linked.`)}
      focusAfterSuccess={focusAfterSuccess}
    >
      <ul>
        <li>Do this when the provider made their account anew; until then, another account holding their address is refused.</li>
        <li>Their sessions and tokens are not touched. The change is recorded in the audit log.</li>
      </ul>
    </ConfirmDialog>
  );
}
