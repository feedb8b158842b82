"use client";

import { SecretOnceDialog } from "@/components/ui/secret-once-dialog";
import type { WebhookEndpointWithSecretDto } from "@/lib/query/webhooks";

/** An endpoint's signing secret, shown once after creation or rotation, with how receivers verify it. */
export function WebhookSecretDialog({
  endpoint,
  rotated = false,
  onClose,
}: {
  endpoint: WebhookEndpointWithSecretDto | null;
  rotated?: boolean;
  onClose: () => void;
}) {
  return (
    <SecretOnceDialog
      secret={endpoint?.secret ?? null}
      title={rotated ? "Copy the new signing secret" : "Copy the signing secret"}
      warning={
        <>
          Give it to the receiver at {endpoint?.url} now, to verify each delivery&apos;s signature.
          {rotated && " Deliveries are signed with it from now on: the old secret no longer verifies."}
        </>
      }
      label="Signing secret"
      testId="webhook-secret"
      noun="secret"
      usage={
        <>
          Each delivery is a POST signed the Standard Webhooks way: verify the <code>webhook-signature</code> header with this secret (for example with the{" "}
          <code>standardwebhooks</code> library), and use <code>webhook-id</code> to drop repeats.
        </>
      }
      onClose={onClose}
    />
  );
}
