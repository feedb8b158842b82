"use client";

import { useState, type FormEvent } from "react";
import { useHydrated } from "@/components/ui/use-hydrated";
import { SSO_START_PATH } from "@/lib/contracts/sso";
import styles from "./form.module.css";

/**
 * "Sign in with SSO": the work email picks the tenant, then the browser goes to its provider. A
 * navigation (GET), not a form post: the console's CSP (`form-action 'self'`) would stop a posted
 * form from being redirected to the provider's origin.
 */
export function SsoSignIn({ next, error }: { next: string; error: string | null }) {
  const [open, setOpen] = useState(error !== null);
  const [email, setEmail] = useState("");
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    const query = new URLSearchParams({ email: email.trim(), next });
    // A full navigation to an API route that redirects to another site, not a client-side route change.
    window.location.assign(new URL(`${SSO_START_PATH}?${query}`, window.location.origin).href);
  }

  if (!open)
    return (
      <button type="button" className={styles.secondary} onClick={() => setOpen(true)} disabled={!hydrated}>
        Sign in with SSO
      </button>
    );
  return (
    <form onSubmit={onSubmit} className={styles.form} aria-label="Sign in with SSO" noValidate>
      <label className={styles.field}>
        <span>Work email</span>
        <input name="sso-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
      </label>
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" className={styles.primary} disabled={!hydrated || pending || !email.trim()}>
        {pending ? "Redirecting…" : "Continue with SSO"}
      </button>
    </form>
  );
}
