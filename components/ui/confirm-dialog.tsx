"use client";

import { AlertDialog } from "radix-ui";
import { useId, useRef, useState, type FormEvent, type ReactElement, type ReactNode, type RefObject } from "react";
import formStyles from "@/components/console/form.module.css";
import { foldText } from "@/lib/domain/email";
import { errorMessage } from "./error-text";
import styles from "./confirm-dialog.module.css";

export type ConfirmDialogProps<T = unknown> = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The button that opens the dialog, when it has one; focus returns to it on close. */
  trigger?: ReactElement;
  title: ReactNode;
  description: ReactNode;
  /** More detail below the description, e.g. a list of effects. */
  children?: ReactNode;
  confirmLabel: string;
  /** The confirm button's text while the action runs, e.g. "Deactivating…". */
  pendingLabel: string;
  tone?: "danger" | "normal";
  /** The person must type `text` (trimmed, any case) before confirming, e.g. the email of the user. */
  typedConfirmation?: { text: string; hint?: ReactNode };
  /** The action. Its rejection is shown in the dialog, which stays open for another try or Cancel. */
  onConfirm: (typed: string) => Promise<T>;
  /** Called with the action's result once the dialog has closed (or, with "stay", is staying). */
  onSuccess?: (result: T) => void;
  /**
   * After a success: "close" the dialog (the default), or "stay" showing `pendingLabel` because
   * the caller moves on itself (a navigation that unmounts the dialog).
   */
  afterSuccess?: "close" | "stay";
  /**
   * Where focus goes after a success, when not back to the trigger (which a success may remove):
   * placed as the dialog closes, where Radix would otherwise return focus, so nothing pulls it away.
   */
  focusAfterSuccess?: RefObject<HTMLElement | null>;
  /** Holds the confirm button disabled, e.g. until a required field of `children` is filled (say so in the field). */
  confirmDisabled?: boolean;
  /** What to focus when the dialog opens, instead of Cancel: a field of `children` to fill first (e.g. a note). */
  initialFocus?: RefObject<HTMLElement | null>;
};

export const sameText = (typed: string, expected: string) => foldText(typed.trim()) === foldText(expected.trim());

/**
 * The console's one confirmation dialog (a Radix AlertDialog: focus is trapped, Escape cancels,
 * a click outside does not). It never closes itself before `onConfirm` has succeeded: while the
 * action runs both buttons are disabled and Escape is ignored, and a failure is shown inside.
 */
export function ConfirmDialog<T>({ open, onOpenChange, trigger, ...content }: ConfirmDialogProps<T>) {
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      {trigger && <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={styles.overlay} />
        {/* Mounted only while open, so every opening starts with an empty field and no old error. */}
        <ConfirmContent {...content} close={() => onOpenChange(false)} />
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

type Status = { state: "idle" } | { state: "pending" } | { state: "failed"; error: unknown } | { state: "succeeded" };

function ConfirmContent<T>({
  title,
  description,
  children,
  confirmLabel,
  pendingLabel,
  tone = "danger",
  typedConfirmation,
  onConfirm,
  onSuccess,
  afterSuccess = "close",
  focusAfterSuccess,
  initialFocus,
  confirmDisabled = false,
  close,
}: Omit<ConfirmDialogProps<T>, "open" | "onOpenChange" | "trigger"> & { close: () => void }) {
  const [typed, setTyped] = useState("");
  const [status, setStatus] = useState<Status>({ state: "idle" });
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = useId();
  const busy = status.state === "pending" || status.state === "succeeded";
  const matches = (!typedConfirmation || sameText(typed, typedConfirmation.text)) && !confirmDisabled;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!matches || busy) return;
    setStatus({ state: "pending" });
    let result: T;
    try {
      result = await onConfirm(typed);
    } catch (error) {
      setStatus({ state: "failed", error });
      return;
    }
    setStatus({ state: "succeeded" });
    // Closed first, in the same render as whatever onSuccess changes, so focus that onSuccess
    // moves out of the dialog is not pulled back by its focus trap.
    if (afterSuccess === "close") close();
    onSuccess?.(result);
  }

  return (
    <AlertDialog.Content
      className={styles.content}
      onOpenAutoFocus={(event) => {
        // Radix focuses Cancel, the safe choice; with a field to fill, the field is the next step.
        const field = typedConfirmation ? inputRef.current : initialFocus?.current;
        if (!field) return;
        event.preventDefault();
        field.focus();
      }}
      onEscapeKeyDown={(event) => busy && event.preventDefault()}
      onCloseAutoFocus={(event) => {
        if (status.state !== "succeeded" || !focusAfterSuccess) return;
        event.preventDefault();
        focusAfterSuccess.current?.focus();
      }}
    >
      <form onSubmit={onSubmit} className={styles.form} noValidate>
        <AlertDialog.Title className={styles.title}>{title}</AlertDialog.Title>
        <AlertDialog.Description className={styles.description}>{description}</AlertDialog.Description>
        {children && <div className={styles.body}>{children}</div>}
        {typedConfirmation && (
          <div className={styles.field}>
            <label htmlFor={inputId}>
              Type <span className={styles.expected}>{typedConfirmation.text}</span> to confirm
            </label>
            {/* readOnly, not disabled, while busy: a disabled field would drop the focus out of the dialog. */}
            <input
              ref={inputRef}
              id={inputId}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              readOnly={busy}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              aria-describedby={hintId}
              aria-invalid={status.state === "failed" || undefined}
            />
            <span id={hintId} className={styles.hint}>
              {typedConfirmation.hint ?? `Not case-sensitive. The ${confirmLabel} button is enabled once the text matches.`}
            </span>
          </div>
        )}
        {status.state === "failed" && (
          <p role="alert" className={styles.error}>
            {errorMessage(status.error)}
          </p>
        )}
        <div className={styles.buttons}>
          <AlertDialog.Cancel asChild>
            <button type="button" className={formStyles.secondary} disabled={busy}>
              Cancel
            </button>
          </AlertDialog.Cancel>
          {/* Not AlertDialog.Action: that would close the dialog before the action has answered. */}
          <button type="submit" className={tone === "danger" ? formStyles.danger : formStyles.primary} disabled={!matches || busy}>
            {busy ? pendingLabel : confirmLabel}
          </button>
        </div>
      </form>
    </AlertDialog.Content>
  );
}
