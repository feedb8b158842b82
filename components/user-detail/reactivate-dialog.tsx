"use client";

import { Dialog } from "radix-ui";
import { useRef, useState } from "react";
import formStyles from "@/components/console/form.module.css";
import type { UserDetailDto } from "@/lib/query/user-detail";
import { errorMessage } from "./deactivate-dialog";
import { useReactivateUser } from "./use-user-status-mutations";
import styles from "./dialog.module.css";

export function ReactivateDialog({ detail, showTrigger, onDone }: { detail: UserDetailDto; showTrigger: boolean; onDone: (message: string) => void }) {
  const { user, access } = detail;
  const [open, setOpen] = useState(false);
  const succeeded = useRef(false);
  const mutation = useReactivateUser(user.id);

  function onOpenChange(next: boolean) {
    if (next) {
      mutation.reset();
      succeeded.current = false;
    }
    setOpen(next);
  }

  async function confirm() {
    if (mutation.isPending) return;
    try {
      const result = await mutation.mutateAsync();
      succeeded.current = true;
      setOpen(false);
      onDone(
        result.status === "already-active"
          ? `${user.name} was already active; nothing changed.`
          : `${user.name} was reactivated. Tokens and sessions revoked at deactivation stay revoked.`,
      );
    } catch {
      // shown below from mutation.error
    }
  }

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      {showTrigger && (
        <Dialog.Trigger asChild>
          <button type="button" className={formStyles.primary}>
            Reactivate
          </button>
        </Dialog.Trigger>
      )}
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content
          className={styles.content}
          onCloseAutoFocus={(event) => {
            if (succeeded.current) event.preventDefault();
          }}
        >
          <Dialog.Title className={styles.title}>Reactivate {user.name}?</Dialog.Title>
          <Dialog.Description className={styles.description}>
            {user.name} becomes active again (state <code>active:available</code>), and apps that ask Roster see them as active.
          </Dialog.Description>
          <ul className={styles.effects}>
            <li>
              Personal access tokens and console sessions revoked when they were deactivated <strong>stay revoked</strong>
              {access.adminRole !== null ? ": they sign in to the console again with their password and create new tokens." : "."}
            </li>
            <li>The reactivation is recorded in the audit log.</li>
          </ul>
          {mutation.isError && (
            <p role="alert" className={formStyles.error}>
              {errorMessage(mutation.error)}
            </p>
          )}
          <div className={styles.buttons}>
            <Dialog.Close asChild>
              <button type="button" className={formStyles.secondary}>
                Cancel
              </button>
            </Dialog.Close>
            <button type="button" className={formStyles.primary} onClick={confirm} disabled={mutation.isPending}>
              {mutation.isPending ? "Reactivating…" : "Reactivate"}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
