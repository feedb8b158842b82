"use client";

import { Dialog } from "radix-ui";
import type { ReactNode } from "react";
import formStyles from "@/components/console/form.module.css";
import styles from "./secret-once-dialog.module.css";
import { useClipboard } from "./use-clipboard";

/**
 * Shows a secret once (a new token, a signing secret), with a copy button. Clicking outside does not
 * close it, so the secret is not lost by a stray click; closing clears it from memory (the parent
 * drops the value). `secret` null: closed.
 */
export function SecretOnceDialog({
  secret,
  title,
  warning,
  label,
  testId,
  noun,
  usage,
  onClose,
}: {
  secret: string | null;
  title: string;
  /** After "You won't see it again.": what to do with it now. */
  warning: ReactNode;
  /** The secret's accessible name. */
  label: string;
  testId: string;
  /** What the "could not copy" line calls it: "token", "secret". */
  noun: string;
  /** How to use it, below the copy row. */
  usage: ReactNode;
  onClose: () => void;
}) {
  const clipboard = useClipboard();
  return (
    <Dialog.Root
      open={secret !== null}
      onOpenChange={(open) => {
        if (!open) {
          clipboard.reset();
          onClose();
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content className={styles.dialog} onInteractOutside={(event) => event.preventDefault()}>
          <Dialog.Title className={styles.dialogTitle}>{title}</Dialog.Title>
          <Dialog.Description className={styles.warning}>
            <strong>You won&apos;t see it again.</strong> {warning}
          </Dialog.Description>
          {secret !== null && (
            <>
              <div className={styles.secretRow}>
                <code className={styles.secret} data-testid={testId} aria-label={label}>
                  {secret}
                </code>
                <button type="button" className={formStyles.primary} onClick={() => clipboard.copy(secret)}>
                  {clipboard.state === "copied" ? "Copied" : "Copy"}
                </button>
              </div>
              <p role="status" className={clipboard.state === "failed" ? formStyles.error : styles.muted}>
                {clipboard.state === "copied" && "Copied to the clipboard."}
                {clipboard.state === "failed" && `Could not copy: select the ${noun} and copy it yourself.`}
              </p>
              <p className={styles.usage}>{usage}</p>
            </>
          )}
          <div className={styles.dialogActions}>
            <Dialog.Close asChild>
              <button type="button" className={formStyles.secondary}>
                I&apos;ve stored it
              </button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
