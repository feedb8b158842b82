"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { errorMessage } from "@/components/ui/error-text";
import type { WebhookEndpointDto, WebhookEndpointWithSecretDto } from "@/lib/query/webhooks";
import { EditWebhookDialog } from "./edit-webhook-dialog";
import styles from "./webhooks.module.css";
import { useDeleteWebhook, useRotateWebhookSecret, useSendWebhookTest, useUpdateWebhook } from "./use-webhooks";
import { WebhookSecretDialog } from "./webhook-secret-dialog";
import { ActionButton } from "@/components/ui/action-button";

type Asking = "edit" | "disable" | "rotate" | "delete" | null;

/** Edit, send a test event, enable or disable, rotate the secret, delete. */
export function WebhookActions({ endpoint }: { endpoint: WebhookEndpointDto }) {
  const router = useRouter();
  const [asking, setAsking] = useState<Asking>(null);
  const [notice, setNotice] = useState<{ text: string; failed: boolean } | null>(null);
  const [rotated, setRotated] = useState<WebhookEndpointWithSecretDto | null>(null);
  const update = useUpdateWebhook(endpoint.id);
  const rotate = useRotateWebhookSecret(endpoint.id);
  const sendTest = useSendWebhookTest(endpoint.id);
  const remove = useDeleteWebhook(endpoint.id);
  const dialog = (name: Exclude<Asking, null>) => ({ open: asking === name, onOpenChange: (open: boolean) => setAsking(open ? name : null) });

  function run(action: () => Promise<unknown>, done: string) {
    setNotice(null);
    action().then(
      () => setNotice({ text: done, failed: false }),
      (error: unknown) => setNotice({ text: errorMessage(error), failed: true }),
    );
  }

  return (
    <>
      <div className={styles.actions}>
        <ActionButton className={formStyles.secondary} onClick={() => setAsking("edit")}>
          Edit
        </ActionButton>
        <ActionButton
          className={formStyles.secondary}
          disabled={sendTest.isPending}
          onClick={() =>
            run(
              () => sendTest.mutateAsync(undefined),
              endpoint.enabled ? "Test event queued: it appears in the log below." : "Test event queued: it is sent once the endpoint is enabled.",
            )
          }
        >
          {sendTest.isPending ? "Sending…" : "Send test event"}
        </ActionButton>
        {endpoint.enabled ? (
          <ActionButton className={formStyles.secondary} onClick={() => setAsking("disable")}>
            Disable
          </ActionButton>
        ) : (
          <ActionButton
            className={formStyles.secondary}
            disabled={update.isPending}
            onClick={() => run(() => update.mutateAsync({ enabled: true }), "Enabled: queued deliveries are being sent.")}
          >
            {update.isPending ? "Enabling…" : "Enable"}
          </ActionButton>
        )}
        <ActionButton className={formStyles.secondary} onClick={() => setAsking("rotate")}>
          Rotate secret
        </ActionButton>
        <ActionButton className={styles.dangerButton} onClick={() => setAsking("delete")}>
          Delete
        </ActionButton>
      </div>
      <p role="status" className={`${styles.status} ${notice?.failed ? styles.error : styles.muted}`}>
        {notice?.text}
      </p>

      <EditWebhookDialog endpoint={endpoint} {...dialog("edit")} onSave={(input) => update.mutateAsync(input)} />
      <ConfirmDialog
        {...dialog("disable")}
        title="Disable this endpoint?"
        description="No new events are queued for it. Deliveries already queued wait, and are sent when you enable it again."
        confirmLabel="Disable"
        pendingLabel="Disabling…"
        tone="normal"
        onConfirm={() => update.mutateAsync({ enabled: false })}
      />
      <ConfirmDialog
        {...dialog("rotate")}
        title="Rotate the signing secret?"
        description="A new secret signs every delivery from now on, queued ones included: the receiver fails to verify them until it has the new secret."
        confirmLabel="Rotate secret"
        pendingLabel="Rotating…"
        onConfirm={() => rotate.mutateAsync(undefined)}
        onSuccess={setRotated}
      />
      <ConfirmDialog
        {...dialog("delete")}
        title="Delete this endpoint?"
        description={`${endpoint.url} receives no more events, and its delivery log is deleted with it; the audit log keeps that it existed. To stop deliveries and keep the log, disable it instead.`}
        confirmLabel="Delete endpoint"
        pendingLabel="Deleting…"
        afterSuccess="stay"
        onConfirm={() => remove.mutateAsync()}
        onSuccess={() => router.push("/webhooks")}
      />
      <WebhookSecretDialog endpoint={rotated} rotated onClose={() => setRotated(null)} />
    </>
  );
}
