"use client";

import { SecretOnceDialog } from "@/components/ui/secret-once-dialog";
import type { CreatedProvisioningTokenDto } from "@/lib/query/provisioning";

/** A new provisioning token, shown once, with where it goes in the identity provider. */
export function ProvisioningSecretDialog({
  token,
  baseUrl,
  onClose,
}: {
  token: CreatedProvisioningTokenDto | null;
  baseUrl: { url: string };
  onClose: () => void;
}) {
  return (
    <SecretOnceDialog
      secret={token?.token ?? null}
      title="Copy the new provisioning token"
      warning={
        <>
          Roster keeps only a hash of “{token?.name}”: paste the token into {token?.providerName} now. If it is lost, revoke it and create a new one.
        </>
      }
      label="New provisioning token"
      testId="provisioning-token-secret"
      noun="token"
      usage={
        <>
          In {token?.providerName}, set the SCIM base URL to <code>{baseUrl.url}</code> and the authentication to this token as a bearer token (
          <code>Authorization: Bearer &lt;token&gt;</code>).
        </>
      }
      onClose={onClose}
    />
  );
}
