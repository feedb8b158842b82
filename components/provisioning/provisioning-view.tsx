"use client";

import { useState } from "react";
import type { CreatedProvisioningTokenDto } from "@/lib/query/provisioning";
import { CreateProvisioningTokenForm } from "./create-provisioning-token-form";
import styles from "./provisioning.module.css";
import { ProvisioningSecretDialog } from "./provisioning-secret-dialog";
import { ProvisioningTokenList } from "./provisioning-token-list";
import { ScimEndpointCard } from "./scim-endpoint-card";
import { ScimProviderList } from "./scim-provider-list";
import { useOriginUrl } from "@/components/ui/use-origin-url";

/** The page for admins; `scimBasePath` is where the server serves SCIM (lib/scim). */
export function ProvisioningView({ scimBasePath }: { scimBasePath: string }) {
  // The secret lives only here, and only until the dialog is closed.
  const [created, setCreated] = useState<CreatedProvisioningTokenDto | null>(null);
  const baseUrl = useOriginUrl(scimBasePath);
  return (
    <div className={styles.page}>
      <header className={styles.pageHeader}>
        <h1>Provisioning</h1>
        <p className={styles.muted}>
          Identity providers such as Okta, Microsoft Entra ID, OneLogin and JumpCloud create, update and deactivate your users through SCIM 2.0. Give each
          provider a token of its own: it can provision users and nothing else, and stops working the moment you revoke it.
        </p>
      </header>
      <ScimEndpointCard baseUrl={baseUrl} />
      <section className={styles.card}>
        <CreateProvisioningTokenForm onCreated={setCreated} />
      </section>
      <ProvisioningTokenList />
      <ScimProviderList />
      <ProvisioningSecretDialog token={created} baseUrl={baseUrl} onClose={() => setCreated(null)} />
    </div>
  );
}
