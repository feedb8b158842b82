"use client";

import { Dialog } from "radix-ui";
import { useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX } from "@/lib/contracts/webhooks";
import type { UpdateWebhookInput, WebhookEndpointDto } from "@/lib/query/webhooks";
import { choiceOf, EventPicker, eventChoiceProblem, eventsOf, type EventChoice } from "./event-picker";
import styles from "./webhooks.module.css";

/** Changes an endpoint's URL, description and event types; mounted while open, so it starts from the endpoint as it is. */
export function EditWebhookDialog({
  endpoint,
  open,
  onOpenChange,
  onSave,
}: {
  endpoint: WebhookEndpointDto;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSave: (input: UpdateWebhookInput) => Promise<unknown>;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content className={styles.dialog}>
          <Dialog.Title className={styles.dialogTitle}>Edit endpoint</Dialog.Title>
          <Dialog.Description className={styles.muted}>A new URL is checked as a new endpoint is, and restarts its failure count.</Dialog.Description>
          <EditForm endpoint={endpoint} onSave={onSave} close={() => onOpenChange(false)} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function EditForm({ endpoint, onSave, close }: { endpoint: WebhookEndpointDto; onSave: (input: UpdateWebhookInput) => Promise<unknown>; close: () => void }) {
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description ?? "");
  const [events, setEvents] = useState<EventChoice>(choiceOf(endpoint.events));
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!url.trim()) return setProblem("Enter the URL that receives the events");
    const eventProblem = eventChoiceProblem(events);
    if (eventProblem) return setProblem(eventProblem);
    setProblem(null);
    setSaving(true);
    try {
      await onSave({ url: url.trim(), description: description.trim() || null, events: eventsOf(events) });
      close();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className={styles.form} noValidate>
      <label className={formStyles.field}>
        <span>Endpoint URL</span>
        <input type="url" value={url} onChange={(event) => setUrl(event.target.value)} maxLength={WEBHOOK_URL_MAX} autoComplete="off" spellCheck={false} />
      </label>
      <label className={formStyles.field}>
        <span>Description (optional)</span>
        <input value={description} onChange={(event) => setDescription(event.target.value)} maxLength={WEBHOOK_DESCRIPTION_MAX} autoComplete="off" />
      </label>
      <EventPicker value={events} onChange={setEvents} />
      {problem && (
        <p role="alert" className={formStyles.error}>
          {problem}
        </p>
      )}
      <div className={styles.dialogActions}>
        <Dialog.Close asChild>
          <button type="button" className={formStyles.secondary} disabled={saving}>
            Cancel
          </button>
        </Dialog.Close>
        <button type="submit" className={formStyles.primary} disabled={saving}>
          {saving ? "Saving…" : "Save changes"}
        </button>
      </div>
    </form>
  );
}
