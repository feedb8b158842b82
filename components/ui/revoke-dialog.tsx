"use client";

import { useState, type ReactNode, type RefObject } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Announcement, useAnnouncer } from "./announcement";
import listStyles from "./list-table.module.css";
import { ActionButton } from "./action-button";

type Named = { id: string; name: string };

/**
 * Asks before revoking a named credential (open while `item` is set); a failed revocation is shown
 * inside. After a success the page says so and focus lands on that message: the row's Revoke
 * button is gone by then.
 */
export function RevokeDialog<T extends Named>({
  item,
  description,
  onRevoke,
  onClose,
  onDone,
  focusAfterSuccess,
}: {
  item: T | null;
  /** What revoking stops, for the item (shown while the dialog closes, after `item` is null). */
  description: (item: T | null) => ReactNode;
  onRevoke: (item: T) => Promise<unknown>;
  onClose: () => void;
  /** Told what was revoked, once the dialog has closed. */
  onDone: (message: string) => void;
  focusAfterSuccess: RefObject<HTMLElement | null>;
}) {
  // The name stays in the dialog while it closes, after `item` is already null.
  const [shown, setShown] = useState(item);
  if (item && item !== shown) setShown(item);
  return (
    <ConfirmDialog
      open={item !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Revoke “${shown?.name ?? ""}”?`}
      description={description(shown)}
      confirmLabel="Revoke token"
      pendingLabel="Revoking…"
      tone="danger"
      onConfirm={() => (item ? onRevoke(item) : Promise.resolve())}
      onSuccess={() => onDone(`Token “${shown?.name ?? ""}” revoked.`)}
      focusAfterSuccess={focusAfterSuccess}
    />
  );
}

/**
 * A token list's revocation: `actionCell(item, active)` is a row's last cell, with Revoke while the
 * item is active, which asks for confirmation; `dialog` is the confirmation and the
 * announcement of its outcome, placed once in the list.
 */
export function useRevocation<T extends Named>(revoke: (id: string) => Promise<unknown>, description: (item: T | null) => ReactNode) {
  const [confirming, setConfirming] = useState<T | null>(null);
  const { message, announce, focusRef } = useAnnouncer();
  const dialog = (
    <>
      <Announcement message={message} focusRef={focusRef} />
      <RevokeDialog
        item={confirming}
        description={description}
        onRevoke={(item) => revoke(item.id)}
        onClose={() => setConfirming(null)}
        onDone={announce}
        focusAfterSuccess={focusRef}
      />
    </>
  );
  const actionCell = (item: T, active: boolean) => (
    <td className={listStyles.actionCell}>
      {active && (
        <ActionButton className={listStyles.revokeButton} onClick={() => setConfirming(item)} aria-label={`Revoke ${item.name}`}>
          Revoke
        </ActionButton>
      )}
    </td>
  );
  return { actionCell, dialog };
}
