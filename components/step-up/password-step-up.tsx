"use client";

import { useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { stepUpPasswordRequest } from "@/lib/query/step-up";

/** An account with no second factor, where none is required: its password again. */
export function PasswordStepUp({ onDone }: { onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await stepUpPasswordRequest(String(new FormData(event.currentTarget).get("password") ?? ""));
      onDone();
    } catch (caught) {
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className={formStyles.form} noValidate>
      <label className={formStyles.field}>
        <span>Your password</span>
        <input name="password" type="password" autoComplete="current-password" required autoFocus />
      </label>
      {error && (
        <p role="alert" className={formStyles.error}>
          {error}
        </p>
      )}
      <button type="submit" className={formStyles.primary} disabled={pending}>
        {pending ? "Verifying…" : "Confirm"}
      </button>
    </form>
  );
}
