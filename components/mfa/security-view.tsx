"use client";

import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { LoadError } from "@/components/ui/load-error";
import pageStyles from "@/components/ui/page.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { confirmTotpRequest, startTotpRequest } from "@/lib/query/mfa";
import { AddPasskey } from "./add-passkey";
import { FactorList } from "./factor-list";
import styles from "./mfa.module.css";
import { MfaPolicyCard } from "./mfa-policy-card";
import { RecoveryCodesNotice } from "./recovery-codes-notice";
import { TotpEnrolmentForm } from "./totp-enrolment-form";
import { useMfaOverview, useRefreshMfa, useRegenerateRecoveryCodes } from "./use-mfa";
import { ActionButton } from "@/components/ui/action-button";

function AddFactor({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const refresh = useRefreshMfa();
  const onAdded = ({ factor, recoveryCodes }: { factor: { label: string }; recoveryCodes: string[] | null }) => {
    setAdding(false);
    setAdded(factor.label);
    if (recoveryCodes) onCodes(recoveryCodes);
    refresh();
  };
  if (!adding) {
    return (
      <div className={styles.step}>
        {added && (
          <p role="status" className={styles.notice}>
            {added} added.
          </p>
        )}
        <AddPasskey onAdded={onAdded} />
        <ActionButton className={formStyles.secondary} onClick={() => setAdding(true)}>
          Add an authenticator app
        </ActionButton>
      </div>
    );
  }
  return <TotpEnrolmentForm start={startTotpRequest} confirm={confirmTotpRequest} submitLabel="Verify and add" onConfirmed={onAdded} />;
}

function RecoveryCodes({
  left,
  hasFactor,
  shown,
  onCodes,
}: {
  left: number;
  hasFactor: boolean;
  shown: string[] | null;
  onCodes: (codes: string[] | null) => void;
}) {
  const regenerate = useRegenerateRecoveryCodes();
  if (shown) return <RecoveryCodesNotice codes={shown} onDone={() => onCodes(null)} />;
  return (
    <div className={styles.step}>
      <p data-testid="recovery-codes-left">
        {hasFactor ? `${left} unused recovery code${left === 1 ? "" : "s"} left.` : "Recovery codes come with your first second factor."}
      </p>
      {hasFactor && (
        <ActionButton className={formStyles.secondary} disabled={regenerate.isPending} onClick={() => regenerate.mutate(undefined, { onSuccess: onCodes })}>
          {regenerate.isPending ? "Generating…" : "Generate new recovery codes"}
        </ActionButton>
      )}
      {regenerate.isError && (
        <p role="alert" className={formStyles.error}>
          {errorMessage(regenerate.error)}
        </p>
      )}
    </div>
  );
}

/** The Security page: your second factors and recovery codes; the organisation's MFA policy. */
export function SecurityView({ serverNow }: { serverNow: number }) {
  const overview = useMfaOverview();
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <div className={pageStyles.page}>
      <header className={pageStyles.pageHeader}>
        <h1>Security</h1>
        <p className={pageStyles.muted}>How you prove it is you when you sign in: your password plus a second factor from something you hold.</p>
      </header>
      {overview.isPending && <p className={pageStyles.muted}>Loading…</p>}
      {overview.isError && <LoadError what="your second factors" error={overview.error} onRetry={() => overview.refetch()} />}
      {overview.data && (
        <>
          <section className={pageStyles.card} aria-labelledby="factors-title">
            <h2 id="factors-title" className={pageStyles.sectionTitle}>
              Second factors
            </h2>
            <FactorList overview={overview.data} serverNow={serverNow} />
            <AddFactor onCodes={setCodes} />
          </section>
          <section className={pageStyles.card} aria-labelledby="recovery-title">
            <h2 id="recovery-title" className={pageStyles.sectionTitle}>
              Recovery codes
            </h2>
            <RecoveryCodes left={overview.data.recoveryCodesLeft} hasFactor={overview.data.factors.length > 0} shown={codes} onCodes={setCodes} />
          </section>
          <section className={pageStyles.card} aria-labelledby="policy-title">
            <h2 id="policy-title" className={pageStyles.sectionTitle}>
              Organisation policy
            </h2>
            <MfaPolicyCard policy={overview.data.policy} />
          </section>
        </>
      )}
    </div>
  );
}
