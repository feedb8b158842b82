"use client";

import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { MfaOverviewDto } from "@/lib/query/mfa";
import styles from "./mfa.module.css";
import { useSetMfaPolicy } from "./use-mfa";
import { ActionButton } from "@/components/ui/action-button";

/** The tenant's "MFA required for admins" policy: shown to everyone, changed by admins (turning it off is confirmed and audited). */
export function MfaPolicyCard({ policy }: { policy: MfaOverviewDto["policy"] }) {
  const setPolicy = useSetMfaPolicy();
  const [confirming, setConfirming] = useState(false);
  const status = policy.requireMfa
    ? "Required: every console account signs in with a password and a second factor; accounts without one set it up at their next sign-in."
    : "Not required: accounts without a second factor sign in with their password alone.";
  return (
    <div className={styles.step} data-testid="mfa-policy">
      <p>
        <strong>Multi-factor sign-in for this organisation.</strong> {status}
      </p>
      <p className={styles.muted}>Single sign-on (OIDC) sign-ins follow the identity provider&apos;s own MFA rules.</p>
      {policy.canChange &&
        (policy.requireMfa ? (
          <ConfirmDialog
            open={confirming}
            onOpenChange={setConfirming}
            trigger={<ActionButton className={formStyles.danger}>Stop requiring MFA</ActionButton>}
            title="Stop requiring MFA?"
            description="Accounts without a second factor will sign in with a password alone. The change is recorded in the audit log."
            confirmLabel="Stop requiring MFA"
            pendingLabel="Saving…"
            tone="danger"
            onConfirm={() => setPolicy.mutateAsync(false)}
          />
        ) : (
          <ActionButton className={formStyles.primary} disabled={setPolicy.isPending} onClick={() => setPolicy.mutate(true)}>
            {setPolicy.isPending ? "Saving…" : "Require MFA for all admins"}
          </ActionButton>
        ))}
    </div>
  );
}
