"use client";

import { useId, useState } from "react";
import formStyles from "@/components/console/form.module.css";
import scheduledStyles from "@/components/scheduled/scheduled.module.css";
import { ConfirmDialog, type ConfirmDialogProps } from "@/components/ui/confirm-dialog";
import { plural } from "@/components/ui/plural";
import { useHydrated } from "@/components/ui/use-hydrated";
import { ConsoleApiError } from "@/lib/console/fetch";
import type { UserDetailDto } from "@/lib/query/user-detail";
import { useDeactivateUser, useReactivateUser } from "./use-user-status-mutations";
import type { UserActionProps } from "./user-action";

type StatusDialogProps = UserActionProps & { showTrigger: boolean };

/** What a status change puts in its dialog; the verb names the trigger and the confirm button alike. */
type StatusChange<T> = Pick<ConfirmDialogProps<T>, "title" | "description" | "children" | "pendingLabel" | "tone" | "typedConfirmation" | "onConfirm"> & {
  verb: string;
  /** The confirm button's text when it differs from the trigger's (a scheduled deactivation). */
  confirmVerb?: string;
  /** The sentence the page announces afterwards. */
  done: (result: T) => string;
};

/**
 * A status change's button and confirmation. The dialog stays mounted while the user's status
 * changes underneath it (only the trigger goes), so the success path can close it calmly; focus
 * then moves to the page's status message (focusAfterSuccess), since the trigger is gone.
 */
function StatusDialog<T>({ showTrigger, onDone, focusAfterSuccess, change }: Omit<StatusDialogProps, "detail"> & { change: StatusChange<T> }) {
  const [open, setOpen] = useState(false);
  const { verb, confirmVerb, done, ...dialog } = change;
  // Server-rendered: until React runs, a click would do nothing.
  const hydrated = useHydrated();
  const trigger = (
    <button type="button" className={dialog.tone === "danger" ? formStyles.danger : formStyles.primary} disabled={!hydrated}>
      {verb}
    </button>
  );
  return (
    <ConfirmDialog
      {...dialog}
      open={open}
      onOpenChange={setOpen}
      trigger={showTrigger ? trigger : undefined}
      confirmLabel={confirmVerb ?? verb}
      onSuccess={(result) => onDone(done(result))}
      focusAfterSuccess={focusAfterSuccess}
    />
  );
}

function deactivationSummary({ user, access }: UserDetailDto) {
  if (access.adminRole === null) {
    return `This will switch ${user.name} off in Roster: they are marked inactive, and every app that asks Roster sees them as deactivated until they are reactivated. They have no console access and no personal access tokens.`;
  }
  return `This will sign ${user.name} out of Roster: their ${plural(access.liveTokens, "personal access token")} and ${plural(access.liveSessions, "console session")} are revoked; they can't sign in until reactivated.`;
}

/** "Deactivate now" or "Schedule for" a date and time in the admin's own zone (docs/decisions/0024). */
function WhenChoice({ when, onWhen, at, onAt }: { when: "now" | "later"; onWhen: (when: "now" | "later") => void; at: string; onAt: (at: string) => void }) {
  const id = useId();
  return (
    <fieldset className={scheduledStyles.when}>
      <legend>When</legend>
      <label>
        <input type="radio" name={`${id}-when`} checked={when === "now"} onChange={() => onWhen("now")} /> Deactivate now
      </label>
      <label>
        <input type="radio" name={`${id}-when`} checked={when === "later"} onChange={() => onWhen("later")} /> Schedule for
      </label>{" "}
      <input
        type="datetime-local"
        aria-label="Deactivation date and time (your time zone)"
        value={at}
        disabled={when !== "later"}
        onChange={(event) => onAt(event.target.value)}
      />
    </fieldset>
  );
}

/** A datetime-local value read in the browser's zone, as an ISO instant; a missing one is a problem shown in the dialog. */
function effectiveAtOf(when: "now" | "later", at: string): string | undefined {
  if (when === "now") return undefined;
  const instant = at ? new Date(at) : null;
  // Shaped as the API's own refusal, so the dialog shows the sentence rather than "could not reach Roster".
  if (!instant || Number.isNaN(instant.getTime())) throw new ConsoleApiError(400, "invalid_input", "Pick the date and time the deactivation takes effect.");
  return instant.toISOString();
}

/** Deactivation, confirmed by typing the user's email; now, or scheduled for later. */
export function DeactivateDialog({ detail, ...props }: StatusDialogProps) {
  const { user, access } = detail;
  const mutation = useDeactivateUser(user.id);
  const [when, setWhen] = useState<"now" | "later">("now");
  const [at, setAt] = useState("");
  return (
    <StatusDialog
      {...props}
      change={{
        verb: "Deactivate",
        confirmVerb: when === "later" ? "Schedule deactivation" : "Deactivate",
        title: `Deactivate ${user.name}?`,
        description: deactivationSummary(detail),
        pendingLabel: when === "later" ? "Scheduling…" : "Deactivating…",
        tone: "danger",
        typedConfirmation: { text: user.email, hint: "Not case-sensitive. The button is enabled once the email matches." },
        onConfirm: async (typed) => mutation.mutateAsync({ confirmEmail: typed, effectiveAt: effectiveAtOf(when, at) }),
        done: (result) =>
          result.status === "scheduled" && result.schedule
            ? `${user.name}'s deactivation is scheduled for ${new Date(result.schedule.effectiveAt).toLocaleString()}.`
            : result.status === "already-inactive"
              ? `${user.name} was already inactive; nothing changed.`
              : `${user.name} was deactivated: ${plural(result.tokensRevoked, "personal access token")} and ${plural(result.sessionsRevoked, "console session")} revoked.`,
        children: (
          <>
            <WhenChoice when={when} onWhen={setWhen} at={at} onAt={setAt} />
            <ul>
              <li>
                Their state becomes <code>inactive:deactivated</code> and the change is recorded in the audit log.
              </li>
              {access.adminRole !== null && <li>Reactivating them later does not bring revoked tokens or sessions back.</li>}
              {when === "later" && <li>Until then nothing changes; the schedule can be cancelled on this page or under Scheduled.</li>}
            </ul>
          </>
        ),
      }}
    />
  );
}

export function ReactivateDialog({ detail, ...props }: StatusDialogProps) {
  const { user, access } = detail;
  const mutation = useReactivateUser(user.id);
  return (
    <StatusDialog
      {...props}
      change={{
        verb: "Reactivate",
        title: `Reactivate ${user.name}?`,
        description: (
          <>
            {user.name} becomes active again (state <code>active:available</code>), and apps that ask Roster see them as active.
          </>
        ),
        pendingLabel: "Reactivating…",
        tone: "normal",
        onConfirm: () => mutation.mutateAsync(),
        done: (result) =>
          result.status === "already-active"
            ? `${user.name} was already active; nothing changed.`
            : `${user.name} was reactivated. Tokens and sessions revoked at deactivation stay revoked.`,
        children: (
          <ul>
            <li>
              Personal access tokens and console sessions revoked when they were deactivated <strong>stay revoked</strong>
              {access.adminRole !== null ? ": they sign in to the console again with their password and create new tokens." : "."}
            </li>
            <li>The reactivation is recorded in the audit log.</li>
          </ul>
        ),
      }}
    />
  );
}
