"use client";

import { useId } from "react";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/db/schema/webhook-constants";
import { EVENT_LABELS } from "./event-labels";
import styles from "./webhooks.module.css";

/** The picker's state: every type (null on the wire), or the types checked, kept while "all" is chosen. */
export type EventChoice = { all: boolean; selected: WebhookEventType[] };

export const choiceOf = (events: readonly string[] | null): EventChoice =>
  events === null ? { all: true, selected: [] } : { all: false, selected: WEBHOOK_EVENT_TYPES.filter((type) => events.includes(type)) };

/** What the API takes: null for every type, or the types checked in their documented order. */
export const eventsOf = (choice: EventChoice): WebhookEventType[] | null =>
  choice.all ? null : WEBHOOK_EVENT_TYPES.filter((t) => choice.selected.includes(t));

/** A problem with the choice to show before sending, or null. */
export const eventChoiceProblem = (choice: EventChoice) =>
  !choice.all && choice.selected.length === 0 ? "Choose at least one event type, or all of them" : null;

export function EventPicker({ value, onChange }: { value: EventChoice; onChange: (choice: EventChoice) => void }) {
  const id = useId();
  const toggle = (type: WebhookEventType, checked: boolean) =>
    onChange({ ...value, selected: checked ? [...value.selected, type] : value.selected.filter((t) => t !== type) });
  return (
    <fieldset className={styles.events}>
      <legend>Events</legend>
      <label className={styles.choice}>
        <input type="radio" name={`${id}-mode`} checked={value.all} onChange={() => onChange({ ...value, all: true })} />
        All events, including types added later
      </label>
      <label className={styles.choice}>
        <input type="radio" name={`${id}-mode`} checked={!value.all} onChange={() => onChange({ ...value, all: false })} />
        Only these:
      </label>
      <div className={styles.eventGrid}>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} className={styles.eventOption}>
            <input
              type="checkbox"
              checked={value.all || value.selected.includes(type)}
              disabled={value.all}
              onChange={(event) => toggle(type, event.target.checked)}
            />
            <span className={styles.eventText}>
              <code className={styles.eventName}>{type}</code>
              <span className={styles.eventHint}>{EVENT_LABELS[type]}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
