"use client";

import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { EnrolmentStep, SecondFactorStep } from "@/components/mfa/sign-in-steps";
import { errorMessage } from "@/components/ui/error-text";
import { useHydrated } from "@/components/ui/use-hydrated";
import { consoleFetch } from "@/lib/console/fetch";
import { safeNextPath, sessionContracts, type signInStep } from "@/lib/contracts/session";
import styles from "./form.module.css";

type SignInStep = z.infer<typeof signInStep>;

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // After a correct password under MFA: the second step (docs/decisions/0022) instead of this form.
  const [step, setStep] = useState<Exclude<SignInStep, { status: "signed_in" }> | null>(null);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const { data } = await consoleFetch(sessionContracts.signIn, {
        body: { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") },
      });
      if (data.status !== "signed_in") return setStep(data);
      window.location.assign(safeNextPath(next, window.location.origin));
    } catch (caught) {
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  const restart = () => {
    setStep(null);
    setPending(false);
  };
  if (step?.status === "second_factor") return <SecondFactorStep methods={step.methods} next={next} onRestart={restart} />;
  if (step?.status === "enrol_factor") return <EnrolmentStep next={next} onRestart={restart} />;

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
