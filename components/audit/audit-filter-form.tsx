"use client";

import { useId, useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { SelectField } from "@/components/ui/select-field";
import type { AuditFilters } from "@/lib/query/keys";
import { ACTION_GROUPS, ANY_ACTION, OTHER_ACTION, actionChoice } from "./audit-actions";
import { isoToLocalInput, localInputToIso } from "./audit-url";
import styles from "./audit.module.css";
import { ActionButton } from "@/components/ui/action-button";

/**
 * The filter form. Its parent remounts it (by key) whenever the URL changes, so it starts from the
 * URL's filters; `hydrated` is false in the server render, where the browser's time zone for the
 * from/to fields is not known yet.
 */
export function AuditFilterForm({
  filters,
  hydrated,
  onApply,
  onClear,
}: {
  filters: AuditFilters;
  hydrated: boolean;
  onApply: (filters: AuditFilters) => void;
  onClear: (() => void) | null;
}) {
  const id = useId();
  const [choice, setChoice] = useState(() => actionChoice(filters.action));
  const [otherAction, setOtherAction] = useState(() => (actionChoice(filters.action) === OTHER_ACTION ? filters.action : ""));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    onApply({
      actor: text("actor"),
      action: choice === ANY_ACTION ? "" : choice === OTHER_ACTION ? otherAction.trim() : choice,
      target: text("target"),
      from: localInputToIso(text("from")),
      to: localInputToIso(text("to")),
      page: 1,
    });
  }

  return (
    <form onSubmit={onSubmit} className={styles.filters} aria-label="Filter the audit log" role="search">
      <label className={formStyles.field}>
        <span>Actor</span>
        <input name="actor" defaultValue={filters.actor} placeholder="Name or id" autoComplete="off" disabled={!hydrated} />
      </label>
      <div className={styles.actionField}>
        <SelectField id={`${id}-action`} label="Action" value={choice} onValueChange={setChoice} groups={ACTION_GROUPS} />
        {choice === OTHER_ACTION && (
          <input
            aria-label="Other action or prefix"
            className={styles.otherAction}
            value={otherAction}
            onChange={(event) => setOtherAction(event.target.value)}
            placeholder="e.g. user. or job.run"
            autoComplete="off"
          />
        )}
      </div>
      <label className={formStyles.field}>
        <span>Target</span>
        <input name="target" defaultValue={filters.target} placeholder="User email, user id or other id" autoComplete="off" disabled={!hydrated} />
      </label>
      <label className={formStyles.field}>
        <span>From</span>
        <input name="from" type="datetime-local" defaultValue={hydrated ? isoToLocalInput(filters.from) : ""} disabled={!hydrated} />
      </label>
      <label className={formStyles.field}>
        <span>To</span>
        <input name="to" type="datetime-local" defaultValue={hydrated ? isoToLocalInput(filters.to) : ""} disabled={!hydrated} />
      </label>
      <div className={styles.filterButtons}>
        {/* Until React runs, the form is the server's: what is typed into it is lost when it is replaced. */}
        <button type="submit" className={formStyles.primary} disabled={!hydrated}>
          Apply filters
        </button>
        {onClear && (
          <ActionButton className={formStyles.secondary} onClick={onClear}>
            Clear
          </ActionButton>
        )}
      </div>
    </form>
  );
}
