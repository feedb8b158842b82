"use client";

import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { ProvisioningTokenDto } from "@/lib/query/provisioning";

/** Asks before revoking `token` (open while it is set); a failed revocation is shown inside. */
export function RevokeProvisioningTokenDialog({
  token,
  onRevoke,
  onClose,
}: {
  token: ProvisioningTokenDto | null;
  onRevoke: (token: ProvisioningTokenDto) => Promise<unknown>;
  onClose: () => void;
}) {
  // The names stay in the dialog while it closes, after `token` is already null.
  const [shown, setShown] = useState(token);
  if (token && token !== shown) setShown(token);
  return (
    <ConfirmDialog
      open={token !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Revoke “${shown?.name ?? ""}”?`}
      description={`${shown?.providerName ?? "The identity provider"} stops provisioning with this token at once: its next request is refused, and users it would have created, changed or deactivated stay as they are. This cannot be undone: to connect the provider again, create a new token and paste it into the provider.`}
      confirmLabel="Revoke token"
      pendingLabel="Revoking…"
      tone="danger"
      onConfirm={() => (token ? onRevoke(token) : Promise.resolve())}
    />
  );
}
