"use client";

import { useQuery } from "@tanstack/react-query";
import { Dialog } from "radix-ui";
import { useEffect } from "react";
import formStyles from "@/components/console/form.module.css";
import { SecondFactorForm, type SecondFactorAnswers, type SecondFactorMethod } from "@/components/mfa/second-factor-form";
import { LoadError } from "@/components/ui/load-error";
import dialogStyles from "@/components/ui/confirm-dialog.module.css";
import { setCsrfToken } from "@/lib/console/fetch";
import { stepUpPasskeyRequest, stepUpRecoveryCodeRequest, stepUpStatusQuery, stepUpTotpRequest } from "@/lib/query/step-up";
import { PasswordStepUp } from "./password-step-up";
import { SsoStepUp } from "./sso-step-up";

// The step-up dialog (docs/decisions/0023): opened by consoleFetch when the server refuses an
// action for want of a recent authentication; the refused request is sent again once it closes
// with a success, so the page carries on with what was asked.

const STEP_UP_ANSWERS: SecondFactorAnswers = { totp: stepUpTotpRequest, recoveryCode: stepUpRecoveryCodeRequest, passkey: stepUpPasskeyRequest };
const isFactor = (method: string): method is SecondFactorMethod => method === "totp" || method === "recovery_code" || method === "passkey";

export function StepUpDialog({ open, onFinished }: { open: boolean; onFinished: (steppedUp: boolean) => void }) {
  return (
    <Dialog.Root open={open} onOpenChange={(next) => !next && onFinished(false)}>
      <Dialog.Portal>
        <Dialog.Overlay className={dialogStyles.overlay} />
        <Dialog.Content className={dialogStyles.content} onInteractOutside={(event) => event.preventDefault()}>
          <div className={dialogStyles.form}>
            <Dialog.Title className={dialogStyles.title}>Confirm it&apos;s you</Dialog.Title>
            <Dialog.Description className={dialogStyles.description}>
              This action needs a recent sign-in. Confirm it&apos;s you, and Roster carries on with it.
            </Dialog.Description>
            {/* Mounted only while open: each opening reads the methods afresh and starts empty. */}
            {open && <StepUpMethods onDone={() => onFinished(true)} />}
            <div className={dialogStyles.buttons}>
              <Dialog.Close asChild>
                <button type="button" className={formStyles.secondary}>
                  Cancel
                </button>
              </Dialog.Close>
            </div>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function StepUpMethods({ onDone }: { onDone: () => void }) {
  const status = useQuery(stepUpStatusQuery());
  const fresh = status.data?.fresh === true;
  useEffect(() => {
    // Stepped up meanwhile (another tab, the SSO window): only the CSRF token is new to this page.
    if (!fresh || !status.data) return;
    setCsrfToken(status.data.csrfToken);
    onDone();
  }, [fresh, status.data, onDone]);
  if (status.isPending) return <p aria-live="polite">Loading…</p>;
  if (status.isError) return <LoadError what="how you can confirm it's you" error={status.error} onRetry={() => void status.refetch()} />;
  const { methods } = status.data;
  const factors = methods.filter(isFactor);
  return (
    <>
      {factors.length > 0 && <SecondFactorForm methods={factors} answers={STEP_UP_ANSWERS} onDone={onDone} />}
      {methods.includes("oidc") && <SsoStepUp onDone={onDone} />}
      {methods.includes("password") && <PasswordStepUp onDone={onDone} />}
      {methods.length === 0 && (
        <p role="alert" className={formStyles.error}>
          Your account has no way to confirm it&apos;s you here: sign in again, then try again. A sign-in counts as recent for a few minutes, long enough to add
          an authenticator app or a passkey on the Security page so that next time you can confirm here.
        </p>
      )}
    </>
  );
}
