"use client";

import { useQuery } from "@tanstack/react-query";
import { Dialog } from "radix-ui";
import { useId, useMemo, useState, type RefObject } from "react";
import { errorText } from "@/components/ui/error-text";
import { resolveEmailsQueryOptions } from "@/lib/query/users";
import { MAX_PASTED_EMAILS, parsePastedEmails } from "./parse-emails";
import { ResolveResults } from "./resolve-results";
import styles from "./paste.module.css";

const fmt = (n: number) => n.toLocaleString("en-US");

function PastePanel() {
  const [text, setText] = useState("");
  const [submitted, setSubmitted] = useState<string[]>([]);
  const parsed = useMemo(() => parsePastedEmails(text), [text]);
  const tooMany = parsed.emails.length > MAX_PASTED_EMAILS;
  const resolved = useQuery(resolveEmailsQueryOptions(submitted));
  const countId = useId();

  function resolve() {
    if (tooMany || parsed.emails.length === 0) return;
    const same = parsed.emails.length === submitted.length && parsed.emails.every((email, i) => email === submitted[i]);
    if (same) void resolved.refetch();
    else setSubmitted(parsed.emails);
  }

  return (
    <>
      <form
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          resolve();
        }}
      >
        <label className={styles.field}>
          <span>Emails</span>
          <textarea
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={8}
            autoFocus
            spellCheck={false}
            aria-describedby={countId}
            aria-invalid={tooMany || undefined}
            placeholder={"jane.doe@example.com\njohn.doe@example.com, …"}
            className={styles.textarea}
          />
        </label>
        <p id={countId} className={tooMany ? styles.error : styles.count} role={tooMany ? "alert" : undefined}>
          {tooMany
            ? `${fmt(parsed.emails.length)} emails: at most ${fmt(MAX_PASTED_EMAILS)} at a time. Split the list and resolve each part.`
            : `${fmt(parsed.emails.length)} ${parsed.emails.length === 1 ? "email" : "emails"}${parsed.duplicates ? ` (${fmt(parsed.duplicates)} ${parsed.duplicates === 1 ? "duplicate" : "duplicates"} left out)` : ""} · separate them by new lines, commas, semicolons or spaces`}
        </p>
        <div className={styles.actions}>
          <button type="submit" className={styles.primary} disabled={tooMany || parsed.emails.length === 0 || resolved.isFetching}>
            {resolved.isFetching ? "Resolving…" : "Resolve"}
          </button>
        </div>
      </form>
      {resolved.isError && (
        <div role="alert" className={styles.errorBox}>
          <p>Could not resolve the emails: {errorText(resolved.error).message}</p>
          {errorText(resolved.error).retryable && (
            <button type="button" className={styles.secondary} onClick={() => void resolved.refetch()}>
              Retry
            </button>
          )}
        </div>
      )}
      {resolved.data && !resolved.isError && <ResolveResults result={resolved.data} />}
    </>
  );
}

/** "Paste many emails": a dialog that resolves up to 1,000 addresses to users at once (opened by PasteEmailsButton). */
export function PasteEmailsDialog({
  open,
  onOpenChange,
  trigger,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger: RefObject<HTMLButtonElement | null>;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        {/* Its button is no Dialog.Trigger (the dialog loads later than the button), so closing puts focus back on it here. */}
        <Dialog.Content
          className={styles.content}
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            trigger.current?.focus();
          }}
        >
          <div className={styles.header}>
            <Dialog.Title className={styles.title}>Resolve many emails</Dialog.Title>
            <Dialog.Close asChild>
              <button type="button" className={styles.close} aria-label="Close">
                ×
              </button>
            </Dialog.Close>
          </div>
          <Dialog.Description className={styles.description}>
            Paste up to {fmt(MAX_PASTED_EMAILS)} addresses to find their users: copy their UUIDs or download the result as CSV.
          </Dialog.Description>
          <PastePanel />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
