"use client";

import { CopyableUrlCard } from "@/components/ui/copyable-url-card";
import { useOriginUrl } from "@/components/ui/use-origin-url";
import { SSO_CALLBACK_PATH } from "@/lib/contracts/sso";

/** The redirect URI to register at the identity provider. */
export function RedirectUriCard() {
  return (
    <CopyableUrlCard id="redirect-uri" title="Redirect URI" url={useOriginUrl(SSO_CALLBACK_PATH)} testId="sso-redirect-uri" copyLabel="Copy URI">
      Register this as the application&apos;s sign-in redirect URI at your identity provider (Okta: &ldquo;Sign-in redirect URIs&rdquo;; Entra ID:
      &ldquo;Web&rdquo; platform redirect URI; Keycloak: &ldquo;Valid redirect URIs&rdquo;).
    </CopyableUrlCard>
  );
}
