"use client";

import formStyles from "@/components/console/form.module.css";
import { useClipboard } from "@/components/ui/use-clipboard";
import { useOriginUrl } from "@/components/ui/use-origin-url";
import { SSO_CALLBACK_PATH } from "@/lib/contracts/sso";
import styles from "./sign-in-settings.module.css";

/** The redirect URI to register at the identity provider, with a copy button. */
export function RedirectUriCard() {
  const redirectUri = useOriginUrl(SSO_CALLBACK_PATH);
  const clipboard = useClipboard();
  return (
    <section aria-labelledby="redirect-uri-title" className={`${styles.card} ${styles.stack}`}>
      <h2 id="redirect-uri-title" className={styles.sectionTitle}>
        Redirect URI
      </h2>
      <p className={styles.muted}>
        Register this as the application&apos;s sign-in redirect URI at your identity provider (Okta: &ldquo;Sign-in redirect URIs&rdquo;; Entra ID:
        &ldquo;Web&rdquo; platform redirect URI; Keycloak: &ldquo;Valid redirect URIs&rdquo;).
      </p>
      <div className={styles.copyRow}>
        <code className={styles.copyValue} data-testid="sso-redirect-uri" aria-label="Redirect URI">
          {redirectUri.url}
        </code>
        <button type="button" className={formStyles.secondary} disabled={!redirectUri.complete} onClick={() => clipboard.copy(redirectUri.url)}>
          {clipboard.state === "copied" ? "Copied" : "Copy URI"}
        </button>
      </div>
    </section>
  );
}
