"use client";

import { SecretOnceDialog } from "@/components/ui/secret-once-dialog";
import type { CreatedTokenDto } from "@/lib/query/tokens";

/** A new personal access token, shown once, with how each API takes it. */
export function TokenSecretDialog({ token, tenantId, onClose }: { token: CreatedTokenDto | null; tenantId: string; onClose: () => void }) {
  return (
    <SecretOnceDialog
      secret={token?.token ?? null}
      title="Copy your new token"
      warning={<>Roster keeps only a hash of “{token?.name}”: store the token in your secret manager now. If it is lost, revoke it and create a new one.</>}
      label="New token"
      testId="token-secret"
      noun="token"
      usage={
        <>
          Your tenant id is <code>{tenantId}</code>. Send the token as <code>X-API-Key</code> with <code>X-Tenant-ID</code> (JITSudo), as{" "}
          <code>X-COREOS-ACCESS</code> with <code>X-COREOS-TID</code> (OS1), or as <code>Authorization: MxToken &lt;token&gt;</code> (Mendix).
        </>
      }
      onClose={onClose}
    />
  );
}
