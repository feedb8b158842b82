"use client";

import { useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { safeNextPath, type SECOND_FACTOR_METHODS } from "@/lib/contracts/session";
import {
  signInConfirmTotpEnrolmentRequest,
  signInPasskeyRequest,
  signInRecoveryCodeRequest,
  signInStartTotpEnrolmentRequest,
  signInTotpRequest,
} from "@/lib/query/mfa";
import { CodeField } from "./code-field";
import styles from "./mfa.module.css";
import { RecoveryCodesNotice } from "./recovery-codes-notice";
import { TotpEnrolmentForm } from "./totp-enrolment-form";

// The sign-in's second step, after a correct password (docs/decisions/0022): a code, or the
// enrolment of a first factor when the organisation requires one and the admin has none.

type Method = (typeof SECOND_FACTOR_METHODS)[number];
const goNext = (next: string) => window.location.assign(safeNextPath(next, window.location.origin));

function StartOver({ onRestart }: { onRestart: () => void }) {
  return (
    <button type="button" className={styles.linkButton} onClick={onRestart}>
      Start over with your password
    </button>
  );
}

export function SecondFactorStep({ methods, next, onRestart }: { methods: Method[]; next: string; onRestart: () => void }) {
  const [method, setMethod] = useState<"totp" | "recovery_code">(methods.includes("totp") ? "totp" : "recovery_code");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "");
    setPending(true);
    setError(null);
    try {
      await (method === "totp" ? signInTotpRequest(code) : signInRecoveryCodeRequest(code));
      goNext(next);
    } catch (caught) {
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  async function answerWithPasskey() {
    setPending(true);
    setError(null);
    try {
      await signInPasskeyRequest();
      goNext(next);
    } catch (caught) {
      setError(caught instanceof Error && caught.name === "NotAllowedError" ? "The passkey prompt was cancelled or timed out" : errorMessage(caught));
      setPending(false);
    }
  }

  const other = method === "totp" ? "recovery_code" : "totp";
  return (
    <div className={styles.step}>
      {methods.includes("passkey") && (
        <button type="button" className={formStyles.primary} disabled={pending} onClick={() => void answerWithPasskey()}>
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
      <StartOver onRestart={onRestart} />
    </div>
  );
}

export function EnrolmentStep({ next, onRestart }: { next: string; onRestart: () => void }) {
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  if (recoveryCodes) return <RecoveryCodesNotice codes={recoveryCodes} onDone={() => goNext(next)} doneLabel="Continue to Roster" />;
  return (
    <div className={styles.step}>
      <p>
        <strong>Your organisation requires a second factor.</strong> Set up an authenticator app to finish signing in.
      </p>
      <TotpEnrolmentForm
        start={signInStartTotpEnrolmentRequest}
        confirm={signInConfirmTotpEnrolmentRequest}
        onConfirmed={(signedIn) => (signedIn.recoveryCodes ? setRecoveryCodes(signedIn.recoveryCodes) : goNext(next))}
        submitLabel="Verify and sign in"
      />
      <StartOver onRestart={onRestart} />
    </div>
  );
}
