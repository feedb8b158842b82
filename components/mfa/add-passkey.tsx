"use client";

import { useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { useHydrated } from "@/components/ui/use-hydrated";
import { addPasskeyRequest } from "@/lib/query/mfa";
import styles from "./mfa.module.css";

type Added = Awaited<ReturnType<typeof addPasskeyRequest>>;

/** Adds a passkey: a name, then the browser's own prompt (device unlock, security key). */
export function AddPasskey({ onAdded }: { onAdded: (added: Added) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setPending(true);
    setError(null);
    try {
      onAdded(await addPasskeyRequest(String(new FormData(form).get("label") ?? "")));
      form.reset();
    } catch (caught) {
      // The browser's prompt was cancelled or timed out: its own wording is clearer than a generic one.
      setError(caught instanceof Error && caught.name === "NotAllowedError" ? "The passkey prompt was cancelled or timed out" : errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <form method="post" onSubmit={onSubmit} className={styles.row} noValidate>
      <label className={formStyles.field}>
        <span>Passkey name (optional)</span>
        <input name="label" maxLength={60} placeholder="Passkey" autoComplete="off" />
      </label>
      <button type="submit" className={formStyles.secondary} disabled={!hydrated || pending}>
        {pending ? "Waiting for your passkey…" : "Add a passkey"}
      </button>
      {error && (
        <p role="alert" className={formStyles.error}>
          {error}
        </p>
      )}
    </form>
  );
}
