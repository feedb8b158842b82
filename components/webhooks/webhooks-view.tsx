"use client";

import { useState } from "react";
import type { WebhookEndpointWithSecretDto } from "@/lib/query/webhooks";
import { CreateWebhookForm } from "./create-webhook-form";
import { WebhookList } from "./webhook-list";
import { WebhookSecretDialog } from "./webhook-secret-dialog";
import styles from "./webhooks.module.css";

export function WebhooksView() {
  // The secret lives only here, and only until the dialog is closed.
  const [created, setCreated] = useState<WebhookEndpointWithSecretDto | null>(null);
  return (
    <div className={styles.page}>
      <header className={styles.pageHeader}>
        <h1>Webhooks</h1>
        <p className={styles.muted}>
          Roster POSTs a signed event to each endpoint when a user is created, changed, deactivated or reactivated, when a leaver job finishes or is undone, and
          when a token is revoked. Failed deliveries are retried for more than a day; an endpoint that fails for 3 days is disabled.
        </p>
      </header>
      <section className={styles.card}>
        <CreateWebhookForm onCreated={setCreated} />
      </section>
      <WebhookList />
      <WebhookSecretDialog endpoint={created} onClose={() => setCreated(null)} />
    </div>
  );
}
