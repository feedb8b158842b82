"use client";

import { DataTable } from "@/components/ui/data-table";
import { LastUsedCell, ListBody, ListHeader } from "@/components/ui/list-card";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ProvisioningTokenDto } from "@/lib/query/provisioning";
import styles from "./provisioning.module.css";
import { useRevocation } from "@/components/ui/revoke-dialog";
import { useProvisioningOverview, useRevokeProvisioningToken } from "./use-provisioning";

const STATUS_TEXT: Record<ProvisioningTokenDto["status"], string> = { active: "Active", revoked: "Revoked" };

function Status({ token }: { token: ProvisioningTokenDto }) {
  return (
    <>
      <span className={`${styles.badge} ${styles[token.status]}`}>{STATUS_TEXT[token.status]}</span>
      {token.revokedAt && (
        <span className={styles.muted}>
          {" "}
          <RelativeTime iso={token.revokedAt} />
        </span>
      )}
    </>
  );
}

export function ProvisioningTokenList() {
  const overview = useProvisioningOverview();
  const revoke = useRevokeProvisioningToken();
  const revocation = useRevocation<ProvisioningTokenDto>(
    (id) => revoke.mutateAsync(id),
    (token) =>
      `${token?.providerName ?? "The identity provider"} stops provisioning with this token at once: its next request is refused, and users it would have created, changed or deactivated stay as they are. This cannot be undone: to connect the provider again, create a new token and paste it into the provider.`,
  );

  return (
    <section aria-labelledby="provisioning-tokens-title" className={styles.card}>
      <ListHeader titleId="provisioning-tokens-title" title="Provisioning tokens" query={overview} />
      <ListBody
        query={overview}
        items={overview.data?.tokens}
        what="the provisioning tokens"
        empty="No provisioning tokens yet. Create one above and paste it into your identity provider with the SCIM base URL."
      >
        {(tokens) => (
          <DataTable
            className={styles.table}
            wrapClassName={styles.tableWrap}
            columns={["Token", "Provider", "Created", "Created by", "Last used", "Status", { label: <span className={styles.visuallyHidden}>Actions</span> }]}
          >
            {tokens.map((token) => (
              <tr key={token.id} className={token.status === "active" ? undefined : styles.inactiveRow}>
                <th scope="row" className={styles.nameCell}>
                  {token.name}
                </th>
                <td>{token.providerName}</td>
                <td>
                  <RelativeTime iso={token.createdAt} />
                </td>
                <td>{token.createdBy ? token.createdBy.name : <span className={styles.muted}>roster CLI</span>}</td>
                <LastUsedCell at={token.lastUsedAt} />
                <td>
                  <Status token={token} />
                </td>
                {revocation.actionCell(token, token.status === "active")}
              </tr>
            ))}
          </DataTable>
        )}
      </ListBody>
      {revocation.dialog}
    </section>
  );
}
