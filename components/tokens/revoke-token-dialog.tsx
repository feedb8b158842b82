"use client";

import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { TokenDto } from "@/lib/query/tokens";

/** Asks before revoking `token` (open while it is set); a failed revocation is shown inside. */
export function RevokeTokenDialog({
  token,
  onRevoke,
  onClose,
}: {
  token: TokenDto | null;
  onRevoke: (token: TokenDto) => Promise<unknown>;
  onClose: () => void;
}) {
  // The name stays in the title while the dialog closes, after `token` is already null.
  const [shown, setShown] = useState(token);
  if (token && token !== shown) setShown(token);
  return (
    <ConfirmDialog
      open={token !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Revoke “${shown?.name ?? ""}”?`}
      description="Every script or integration using this token stops working at once. This cannot be undone: to grant access again, create a new token."
      confirmLabel="Revoke token"
      pendingLabel="Revoking…"
      tone="danger"
      onConfirm={() => (token ? onRevoke(token) : Promise.resolve())}
    />
  );
}
