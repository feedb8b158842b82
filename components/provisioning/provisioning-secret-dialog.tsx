"use client";

import { Dialog } from "radix-ui";
import formStyles from "@/components/console/form.module.css";
import type { CreatedProvisioningTokenDto } from "@/lib/query/provisioning";
import styles from "./provisioning.module.css";
import { useClipboard } from "./use-clipboard";

/**
 * Shows a new provisioning token's secret, once. Clicking outside does not close it, so the secret
 * is not lost by a stray click; closing clears it from memory (the parent drops the created token).
 */
export function ProvisioningSecretDialog({
  token,
  baseUrl,
  onClose,
}: {
  token: CreatedProvisioningTokenDto | null;
  baseUrl: { url: string };
  onClose: () => void;
}) {
  const clipboard = useClipboard();
  return (
    <Dialog.Root
      open={token !== null}
      onOpenChange={(open) => {
        if (!open) {
          clipboard.reset();
          onClose();
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content className={styles.dialog} onInteractOutside={(event) => event.preventDefault()}>
          <Dialog.Title className={styles.dialogTitle}>Copy the new provisioning token</Dialog.Title>
          <Dialog.Description className={styles.warning}>
            <strong>You won&apos;t see it again.</strong> Roster keeps only a hash of “{token?.name}”: paste the token into {token?.providerName} now. If it is
            lost, revoke it and create a new one.
          </Dialog.Description>
          {token && (
            <>
              <div className={styles.copyRow}>
                <code className={styles.copyValue} data-testid="provisioning-token-secret" aria-label="New provisioning token">
                  {token.token}
                </code>
                <button type="button" className={formStyles.primary} onClick={() => clipboard.copy(token.token)}>
                  {clipboard.state === "copied" ? "Copied" : "Copy"}
                </button>
              </div>
              <p role="status" className={clipboard.state === "failed" ? formStyles.error : styles.muted}>
                {clipboard.state === "copied" && "Copied to the clipboard."}
                {clipboard.state === "failed" && "Could not copy: select the token and copy it yourself."}
              </p>
              <p className={styles.usage}>
                In {token.providerName}, set the SCIM base URL to <code>{baseUrl.url}</code> and the authentication to this token as a bearer token (
                <code>Authorization: Bearer &lt;token&gt;</code>).
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
