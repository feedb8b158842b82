"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import type { SECOND_FACTOR_METHODS } from "@/lib/contracts/session";
import { CodeField } from "./code-field";
import styles from "./mfa.module.css";

export type SecondFactorMethod = (typeof SECOND_FACTOR_METHODS)[number];

/** How each method's answer reaches the server: the sign-in's second step, or a step-up. */
export type SecondFactorAnswers = {
  totp: (code: string) => Promise<unknown>;
  recoveryCode: (code: string) => Promise<unknown>;
  passkey: () => Promise<unknown>;
};

/**
 * A second factor, asked for: the passkey button when the account has one, a code from the
 * authenticator app, or a recovery code. `onDone` runs once an answer was accepted; `children`
 * go below (e.g. "Start over").
 */
export function SecondFactorForm({
  methods,
  answers,
  onDone,
  children,
}: {
  methods: readonly SecondFactorMethod[];
  answers: SecondFactorAnswers;
  onDone: () => void;
  children?: ReactNode;
}) {
  const [method, setMethod] = useState<"totp" | "recovery_code">(methods.includes("totp") ? "totp" : "recovery_code");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function run(answer: () => Promise<unknown>) {
    setPending(true);
    setError(null);
    try {
      await answer();
      onDone();
    } catch (caught) {
      setError(caught instanceof Error && caught.name === "NotAllowedError" ? "The passkey prompt was cancelled or timed out" : errorMessage(caught));
      setPending(false);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "");
    void run(() => (method === "totp" ? answers.totp(code) : answers.recoveryCode(code)));
  }

  const other = method === "totp" ? "recovery_code" : "totp";
  return (
    <div className={styles.step}>
      {methods.includes("passkey") && (
        <button type="button" className={formStyles.primary} disabled={pending} onClick={() => void run(answers.passkey)}>
          Use your passkey
        </button>
      )}
      <p>{method === "totp" ? "Enter the 6-digit code from your authenticator app." : "Enter one of your recovery codes. Each works once."}</p>
      <form method="post" onSubmit={onSubmit} className={formStyles.form} noValidate key={method}>
        <CodeField label={method === "totp" ? "Authentication code" : "Recovery code"} kind={method === "totp" ? "totp" : "recovery"} />
        {error && (
          <p role="alert" className={formStyles.error}>
            {error}
          </p>
        )}
        <button type="submit" className={formStyles.primary} disabled={pending}>
          {pending ? "Verifying…" : "Verify"}
        </button>
      </form>
      {methods.includes(other) && (
        <button
          type="button"
          className={styles.linkButton}
          onClick={() => {
            setMethod(other);
            setError(null);
          }}
        >
          {other === "recovery_code" ? "Use a recovery code instead" : "Use your authenticator app instead"}
        </button>
      )}
      {children}
    </div>
  );
}
