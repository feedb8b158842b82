"use client";

import { Dialog } from "radix-ui";
import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import type { CreatedTokenDto } from "@/lib/query/tokens";
import styles from "./tokens.module.css";

type CopyState = "idle" | "copied" | "failed";

/**
 * Shows a new token's secret, once. Clicking outside does not close it, so the secret is not lost
 * by a stray click; closing clears it from memory (the parent drops the created token).
 */
export function TokenSecretDialog({ token, tenantId, onClose }: { token: CreatedTokenDto | null; tenantId: string; onClose: () => void }) {
  const [copy, setCopy] = useState<CopyState>("idle");

  async function copySecret(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  }

  return (
    <Dialog.Root
      open={token !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopy("idle");
          onClose();
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content className={styles.dialog} onInteractOutside={(event) => event.preventDefault()}>
          <Dialog.Title className={styles.dialogTitle}>Copy your new token</Dialog.Title>
          <Dialog.Description className={styles.warning}>
            <strong>You won&apos;t see it again.</strong> Roster keeps only a hash of “{token?.name}”: store the token in your secret manager now. If it is
            lost, revoke it and create a new one.
          </Dialog.Description>
          {token && (
            <>
              <div className={styles.secretRow}>
                <code className={styles.secret} data-testid="token-secret" aria-label="New token">
                  {token.token}
                </code>
                <button type="button" className={formStyles.primary} onClick={() => copySecret(token.token)}>
                  {copy === "copied" ? "Copied" : "Copy"}
                </button>
              </div>
              <p role="status" className={copy === "failed" ? formStyles.error : styles.muted}>
                {copy === "copied" && "Copied to the clipboard."}
                {copy === "failed" && "Could not copy: select the token and copy it yourself."}
              </p>
              <p className={styles.usage}>
                Your tenant id is <code>{tenantId}</code>. Send the token as <code>X-API-Key</code> with <code>X-Tenant-ID</code> (JITSudo), as{" "}
                <code>X-COREOS-ACCESS</code> with <code>X-COREOS-TID</code> (OS1), or as <code>Authorization: MxToken &lt;token&gt;</code> (Mendix).
              </p>
            </>
          )}
          <div className={styles.dialogActions}>
            <Dialog.Close asChild>
              <button type="button" className={formStyles.secondary}>
                I&apos;ve stored it
              </button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
