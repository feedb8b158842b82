"use client";

import { useState, type ReactElement, type RefObject } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { errorText } from "@/components/ui/error-text";
import { plural } from "@/components/ui/plural";
import type { ConsoleSessionDto } from "@/lib/query/sessions";
import { browserName } from "./browser-name";
import { useRevokeOtherSessions, useRevokeSession } from "./use-sessions";

/** Where a finished sign-out says what it did, and where focus goes when its button is gone. */
export type Announce = { onDone: (message: string) => void; focusAfterSuccess: RefObject<HTMLElement | null> };

/** A full page load, so that nothing of the signed-out console stays in memory (as the header's Sign out does). */
const goToSignIn = () => window.location.assign(new URL("/login", window.location.origin).href);

/**
 * A session's Sign out button and its confirmation; the button is the dialog's trigger, so focus
 * goes back to it on Cancel. Ending the current session signs this browser out, so that dialog
 * stays until the sign-in page has loaded. A session that ended meanwhile (elsewhere, or by timing
 * out) is not an error: the list is refreshed and says so.
 */
export function SignOutSessionDialog({ session, trigger, onDone, focusAfterSuccess }: { session: ConsoleSessionDto; trigger: ReactElement } & Announce) {
  const [open, setOpen] = useState(false);
  const revoke = useRevokeSession();
  const name = browserName(session);

  async function signOutOther(): Promise<string> {
    try {
      await revoke.mutateAsync(session);
      return `Signed out ${name}.`;
    } catch (error) {
      if (errorText(error).status === 404) return `That session in ${name} had already ended.`;
      throw error;
    }
  }

  if (session.current) {
    return (
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        trigger={trigger}
        title="Sign out of this session?"
        description="This browser is signed out of the console and goes to the sign-in page. Your other sessions stay signed in."
        confirmLabel="Sign out"
        pendingLabel="Signing out…"
        afterSuccess="stay"
        onConfirm={() => revoke.mutateAsync(session)}
        onSuccess={goToSignIn}
      />
    );
  }
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={trigger}
      title={`Sign out ${name}?`}
      description={`The console session in ${name}${session.clientAddress ? ` at ${session.clientAddress}` : ""} ends at once: its next page goes to the sign-in page. Your session here stays signed in.`}
      confirmLabel="Sign out"
      pendingLabel="Signing out…"
      onConfirm={signOutOther}
      onSuccess={onDone}
      focusAfterSuccess={focusAfterSuccess}
    />
  );
}

/** "Sign out all other sessions": its button (while there are others) and its confirmation, which stays mounted as the button goes. */
export function SignOutOthersDialog({ others, trigger, onDone, focusAfterSuccess }: { others: number; trigger: ReactElement | undefined } & Announce) {
  const [open, setOpen] = useState(false);
  const revokeOthers = useRevokeOtherSessions();
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={trigger}
      title="Sign out all other sessions?"
      description={`Every other browser signed in as you (${plural(others, "session")}) is signed out of the console at once. This session stays signed in.`}
      confirmLabel="Sign out others"
      pendingLabel="Signing out…"
      onConfirm={() => revokeOthers.mutateAsync()}
      onSuccess={(revoked) => onDone(revoked === 0 ? "No other session was open." : `Signed out ${plural(revoked, "other session")}.`)}
      focusAfterSuccess={focusAfterSuccess}
    />
  );
}
