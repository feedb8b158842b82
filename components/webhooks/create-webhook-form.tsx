"use client";

import { useId, useState, type FormEvent } from "react";
import { FormSubmit } from "@/components/console/form-submit";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { useHydrated } from "@/components/ui/use-hydrated";
import { WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX } from "@/lib/contracts/webhooks";
import type { WebhookEndpointWithSecretDto } from "@/lib/query/webhooks";
import { EventPicker, eventChoiceProblem, eventsOf, type EventChoice } from "./event-picker";
import styles from "./webhooks.module.css";
import { useCreateWebhook } from "./use-webhooks";

const ALL_EVENTS: EventChoice = { all: true, selected: [] };

export function CreateWebhookForm({ onCreated }: { onCreated: (endpoint: WebhookEndpointWithSecretDto) => void }) {
  const id = useId();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventChoice>(ALL_EVENTS);
  const [problem, setProblem] = useState<string | null>(null);
  const hydrated = useHydrated();
  const create = useCreateWebhook();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!url.trim()) return setProblem("Enter the URL that receives the events");
    const eventProblem = eventChoiceProblem(events);
    if (eventProblem) return setProblem(eventProblem);
    setProblem(null);
    create.mutate(
      { url: url.trim(), description: description.trim() || null, events: eventsOf(events) },
      {
        onSuccess: (endpoint) => {
          setUrl("");
          setDescription("");
          setEvents(ALL_EVENTS);
          onCreated(endpoint);
        },
        onError: (error) => setProblem(errorMessage(error)),
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className={styles.form} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className={styles.sectionTitle}>
        Add an endpoint
      </h2>
      <div className={styles.formRow}>
        <label className={formStyles.field}>
          <span>Endpoint URL</span>
          <input
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            maxLength={WEBHOOK_URL_MAX}
            placeholder="https://hooks.example.com/roster"
            autoComplete="off"
            spellCheck={false}
            required
          />
        </label>
        <label className={formStyles.field}>
          <span>Description (optional)</span>
          <input
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            maxLength={WEBHOOK_DESCRIPTION_MAX}
            placeholder="e.g. SIEM"
            autoComplete="off"
          />
        </label>
      </div>
      <EventPicker value={events} onChange={setEvents} />
      <FormSubmit problem={problem} hydrated={hydrated} pending={create.isPending} label="Add endpoint" pendingLabel="Adding…" />
    </form>
  );
}
