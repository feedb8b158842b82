"use client";

import { AlertDialog } from "radix-ui";
import formStyles from "@/components/console/form.module.css";
import type { TokenDto } from "@/lib/query/tokens";
import styles from "./tokens.module.css";

export function RevokeTokenDialog({
  token,
  pending,
  onConfirm,
  onCancel,
}: {
  token: TokenDto | null;
  pending: boolean;
  onConfirm: (token: TokenDto) => void;
  onCancel: () => void;
}) {
  return (
    <AlertDialog.Root open={token !== null} onOpenChange={(open) => !open && onCancel()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={styles.overlay} />
        <AlertDialog.Content className={styles.dialog}>
          <AlertDialog.Title className={styles.dialogTitle}>Revoke “{token?.name}”?</AlertDialog.Title>
          <AlertDialog.Description>
            Every script or integration using this token stops working at once. This cannot be undone: to grant access again, create a new token.
          </AlertDialog.Description>
          <div className={styles.dialogActions}>
            <AlertDialog.Cancel asChild>
              <button type="button" className={formStyles.secondary}>
                Cancel
              </button>
            </AlertDialog.Cancel>
            {/* Not AlertDialog.Action: that closes the dialog before the revocation has answered. */}
            <button type="button" className={formStyles.danger} disabled={pending} onClick={() => token && onConfirm(token)}>
              {pending ? "Revoking…" : "Revoke token"}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
