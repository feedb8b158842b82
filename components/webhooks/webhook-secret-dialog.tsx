"use client";

import { Dialog } from "radix-ui";
import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import type { WebhookEndpointWithSecretDto } from "@/lib/query/webhooks";
import styles from "./webhooks.module.css";

type CopyState = "idle" | "copied" | "failed";

/**
 * Shows an endpoint's signing secret once, after creation or rotation. Clicking outside does not
 * close it, so the secret is not lost by a stray click; closing drops it (the parent forgets it).
 */
export function WebhookSecretDialog({
  endpoint,
  rotated = false,
  onClose,
}: {
  endpoint: WebhookEndpointWithSecretDto | null;
  rotated?: boolean;
  onClose: () => void;
}) {
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
      open={endpoint !== null}
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
          <Dialog.Title className={styles.dialogTitle}>{rotated ? "Copy the new signing secret" : "Copy the signing secret"}</Dialog.Title>
          <Dialog.Description className={styles.warning}>
            <strong>You won&apos;t see it again.</strong> Give it to the receiver at {endpoint?.url} now, to verify each delivery&apos;s signature.
            {rotated && " Deliveries are signed with it from now on: the old secret no longer verifies."}
          </Dialog.Description>
          {endpoint && (
            <>
              <div className={styles.secretRow}>
                <code className={styles.secret} data-testid="webhook-secret" aria-label="Signing secret">
                  {endpoint.secret}
                </code>
                <button type="button" className={formStyles.primary} onClick={() => copySecret(endpoint.secret)}>
                  {copy === "copied" ? "Copied" : "Copy"}
                </button>
              </div>
              <p role="status" className={copy === "failed" ? formStyles.error : styles.muted}>
                {copy === "copied" && "Copied to the clipboard."}
                {copy === "failed" && "Could not copy: select the secret and copy it yourself."}
              </p>
              <p className={styles.usage}>
                Each delivery is a POST signed the Standard Webhooks way: verify the <code>webhook-signature</code> header with this secret (for example with
                the <code>standardwebhooks</code> library), and use <code>webhook-id</code> to drop repeats.
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
