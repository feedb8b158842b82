"use client";

import { useState, type RefObject } from "react";
import formStyles from "@/components/console/form.module.css";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { UserDetailDto } from "@/lib/query/user-detail";
import { useReactivateUser } from "./use-user-status-mutations";

export function ReactivateDialog({ detail, showTrigger, onDone, focusAfterSuccess }: { detail: UserDetailDto; showTrigger: boolean; onDone: (message: string) => void; focusAfterSuccess: RefObject<HTMLElement | null> }) {
  const { user, access } = detail;
  const [open, setOpen] = useState(false);
  const mutation = useReactivateUser(user.id);

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        showTrigger ? (
          <button type="button" className={formStyles.primary}>
            Reactivate
          </button>
        ) : undefined
      }
      title={`Reactivate ${user.name}?`}
      description={
        <>
          {user.name} becomes active again (state <code>active:available</code>), and apps that ask Roster see them as active.
        </>
      }
      confirmLabel="Reactivate"
      pendingLabel="Reactivating…"
      tone="normal"
      onConfirm={() => mutation.mutateAsync()}
      onSuccess={(result) =>
        onDone(
          result.status === "already-active"
            ? `${user.name} was already active; nothing changed.`
            : `${user.name} was reactivated. Tokens and sessions revoked at deactivation stay revoked.`,
        )
      }
      focusAfterSuccess={focusAfterSuccess}
    >
      <ul>
        <li>
          Personal access tokens and console sessions revoked when they were deactivated <strong>stay revoked</strong>
          {access.adminRole !== null ? ": they sign in to the console again with their password and create new tokens." : "."}
        </li>
        <li>The reactivation is recorded in the audit log.</li>
      </ul>
    </ConfirmDialog>
  );
}
