"use client";

import { Dialog } from "radix-ui";
import { useId, useRef, useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { ConsoleApiError } from "@/lib/console/fetch";
import type { UserDetailDto } from "@/lib/query/user-detail";
import { plural } from "./format";
import { useDeactivateUser } from "./use-user-status-mutations";
import styles from "./dialog.module.css";

const sameEmail = (typed: string, email: string) => typed.trim().toLowerCase() === email.trim().toLowerCase();

export function errorMessage(error: unknown): string {
  if (error instanceof ConsoleApiError) return error.message;
  return "Could not reach Roster; check your connection and try again";
}

function Summary({ detail }: { detail: UserDetailDto }) {
  const { user, access } = detail;
  if (access.adminRole === null) {
    return (
      <Dialog.Description className={styles.description}>
        This will switch {user.name} off in Roster: they are marked inactive, and every app that asks Roster sees them as deactivated
        until they are reactivated. They have no console access and no personal access tokens.
      </Dialog.Description>
    );
  }
  return (
    <Dialog.Description className={styles.description}>
      This will sign {user.name} out of Roster: their {plural(access.liveTokens, "personal access token")} and{" "}
      {plural(access.liveSessions, "console session")} are revoked; they can&apos;t sign in until reactivated.
    </Dialog.Description>
  );
}

/**
 * Deactivation with a typed confirmation. The dialog root stays mounted while the user turns
 * inactive underneath it (only the trigger goes), so the success path can close it calmly.
 */
export function DeactivateDialog({ detail, showTrigger, onDone }: { detail: UserDetailDto; showTrigger: boolean; onDone: (message: string) => void }) {
  const { user } = detail;
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const succeeded = useRef(false);
  const mutation = useDeactivateUser(user.id);
  const inputId = useId();
  const hintId = useId();
  const matches = sameEmail(typed, user.email);

  function onOpenChange(next: boolean) {
    if (next) {
      setTyped("");
      mutation.reset();
      succeeded.current = false;
    }
    setOpen(next);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!matches || mutation.isPending) return;
    try {
      const result = await mutation.mutateAsync(typed);
      succeeded.current = true;
      setOpen(false);
      onDone(
        result.status === "already-inactive"
          ? `${user.name} was already inactive; nothing changed.`
          : `${user.name} was deactivated: ${plural(result.tokensRevoked, "personal access token")} and ${plural(result.sessionsRevoked, "console session")} revoked.`,
      );
    } catch {
      // shown below from mutation.error
    }
  }

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      {showTrigger && (
        <Dialog.Trigger asChild>
          <button type="button" className={formStyles.danger}>
            Deactivate
          </button>
        </Dialog.Trigger>
      )}
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content
          className={styles.content}
          onCloseAutoFocus={(event) => {
            // After a success the trigger is gone: the page moves focus to its status message.
            if (succeeded.current) event.preventDefault();
          }}
        >
          <Dialog.Title className={styles.title}>Deactivate {user.name}?</Dialog.Title>
          <Summary detail={detail} />
          <ul className={styles.effects}>
            <li>
              Their state becomes <code>inactive:deactivated</code> and the change is recorded in the audit log.
            </li>
            {detail.access.adminRole !== null && <li>Reactivating them later does not bring revoked tokens or sessions back.</li>}
          </ul>
          <form onSubmit={onSubmit} className={formStyles.form} noValidate>
            <div className={formStyles.field}>
              <label htmlFor={inputId}>
                Type <span className={styles.email}>{user.email}</span> to confirm
              </label>
              <input
                id={inputId}
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                aria-describedby={hintId}
                aria-invalid={mutation.isError || undefined}
              />
              <span id={hintId} className={styles.hint}>
                Not case-sensitive. The Deactivate button is enabled once the email matches.
              </span>
            </div>
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
              <button type="submit" className={formStyles.danger} disabled={!matches || mutation.isPending}>
                {mutation.isPending ? "Deactivating…" : "Deactivate"}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
