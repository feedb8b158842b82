"use client";

import { useState } from "react";
import { safeNextPath } from "@/lib/contracts/session";
import {
  signInConfirmTotpEnrolmentRequest,
  signInPasskeyRequest,
  signInRecoveryCodeRequest,
  signInStartTotpEnrolmentRequest,
  signInTotpRequest,
} from "@/lib/query/mfa";
import styles from "./mfa.module.css";
import { RecoveryCodesNotice } from "./recovery-codes-notice";
import { SecondFactorForm, type SecondFactorAnswers, type SecondFactorMethod } from "./second-factor-form";
import { TotpEnrolmentForm } from "./totp-enrolment-form";

// The sign-in's second step, after a correct password (docs/decisions/0022): a code, or the
// enrolment of a first factor when the organisation requires one and the admin has none.

const goNext = (next: string) => window.location.assign(safeNextPath(next, window.location.origin));

function StartOver({ onRestart }: { onRestart: () => void }) {
  return (
    <button type="button" className={styles.linkButton} onClick={onRestart}>
      Start over with your password
    </button>
  );
}

const SIGN_IN_ANSWERS: SecondFactorAnswers = { totp: signInTotpRequest, recoveryCode: signInRecoveryCodeRequest, passkey: signInPasskeyRequest };

export function SecondFactorStep({ methods, next, onRestart }: { methods: SecondFactorMethod[]; next: string; onRestart: () => void }) {
  return (
    <SecondFactorForm methods={methods} answers={SIGN_IN_ANSWERS} onDone={() => goNext(next)}>
      <StartOver onRestart={onRestart} />
    </SecondFactorForm>
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
