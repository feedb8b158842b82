"use client";

import { CopyableUrlCard } from "@/components/ui/copyable-url-card";
import type { OriginUrl } from "@/components/ui/use-origin-url";

/** The SCIM base URL to paste into the identity provider. */
export function ScimEndpointCard({ baseUrl }: { baseUrl: OriginUrl }) {
  return (
    <CopyableUrlCard id="scim-endpoint" title="SCIM base URL" url={baseUrl} testId="scim-base-url" copyLabel="Copy URL">
      Paste this into your identity provider as the SCIM connector&apos;s base URL (Okta: &ldquo;SCIM connector base URL&rdquo;; Entra ID: &ldquo;Tenant
      URL&rdquo;), with a provisioning token below as its bearer token.
    </CopyableUrlCard>
  );
}
