"use client";

import { useState, type FormEvent } from "react";
import { errorMessage } from "@/components/ui/error-text";
import { useHydrated } from "@/components/ui/use-hydrated";
import { consoleFetch } from "@/lib/console/fetch";
import { safeNextPath, sessionContracts } from "@/lib/contracts/session";
import styles from "./form.module.css";

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      await consoleFetch(sessionContracts.signIn, { body: { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") } });
      window.location.assign(safeNextPath(next, window.location.origin));
    } catch (caught) {
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  // Before hydration the browser would submit the form itself, as a GET with the password in the
  // URL: the button waits for the script, and POST keeps credentials out of URLs regardless.
  return (
    <form method="post" onSubmit={onSubmit} className={styles.form} noValidate>
      <label className={styles.field}>
        <span>Email</span>
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label className={styles.field}>
        <span>Password</span>
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" className={styles.primary} disabled={!hydrated || pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
