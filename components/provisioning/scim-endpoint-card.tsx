"use client";

import formStyles from "@/components/console/form.module.css";
import styles from "./provisioning.module.css";
import { useClipboard } from "@/components/ui/use-clipboard";

/** The URL to paste into the identity provider, with a copy button. */
export function ScimEndpointCard({ baseUrl }: { baseUrl: { url: string; complete: boolean } }) {
  const clipboard = useClipboard();
  return (
    <section aria-labelledby="scim-endpoint-title" className={`${styles.card} ${styles.endpoint}`}>
      <h2 id="scim-endpoint-title" className={styles.sectionTitle}>
        SCIM base URL
      </h2>
      <p className={styles.muted}>
        Paste this into your identity provider as the SCIM connector&apos;s base URL (Okta: &ldquo;SCIM connector base URL&rdquo;; Entra ID: &ldquo;Tenant
        URL&rdquo;), with a provisioning token below as its bearer token.
      </p>
      <div className={styles.copyRow}>
        <code className={styles.copyValue} data-testid="scim-base-url" aria-label="SCIM base URL">
          {baseUrl.url}
        </code>
        <button type="button" className={formStyles.secondary} disabled={!baseUrl.complete} onClick={() => clipboard.copy(baseUrl.url)}>
          {clipboard.state === "copied" ? "Copied" : "Copy URL"}
        </button>
      </div>
      <p role="status" className={`${styles.copyStatus} ${clipboard.state === "failed" ? formStyles.error : styles.muted}`}>
        {clipboard.state === "copied" && "Copied to the clipboard."}
        {clipboard.state === "failed" && "Could not copy: select the URL and copy it yourself."}
      </p>
    </section>
  );
}
