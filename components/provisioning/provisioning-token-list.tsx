"use client";

import { DataTable } from "@/components/ui/data-table";
import { LoadError } from "@/components/ui/load-error";
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

  let body;
  if (overview.isPending) {
    body = <p className={styles.muted}>Loading provisioning tokens…</p>;
  } else if (overview.isError) {
    body = <LoadError what="the provisioning tokens" error={overview.error} onRetry={() => overview.refetch()} />;
  } else if (overview.data.tokens.length === 0) {
    body = (
      <div className={styles.stateBox}>
        <p>No provisioning tokens yet. Create one above and paste it into your identity provider with the SCIM base URL.</p>
      </div>
    );
  } else {
    body = (
      <DataTable
        className={styles.table}
        wrapClassName={styles.tableWrap}
        columns={["Token", "Provider", "Created", "Created by", "Last used", "Status", { label: <span className={styles.visuallyHidden}>Actions</span> }]}
      >
        {overview.data.tokens.map((token) => (
          <tr key={token.id} className={token.status === "active" ? undefined : styles.inactiveRow}>
            <th scope="row" className={styles.nameCell}>
              {token.name}
            </th>
            <td>{token.providerName}</td>
            <td>
              <RelativeTime iso={token.createdAt} />
            </td>
            <td>{token.createdBy ? token.createdBy.name : <span className={styles.muted}>roster CLI</span>}</td>
            <td data-testid="last-used">{token.lastUsedAt ? <RelativeTime iso={token.lastUsedAt} /> : <span className={styles.muted}>never used</span>}</td>
            <td>
              <Status token={token} />
            </td>
            <td className={styles.actionCell}>
              {token.status === "active" && (
                <button type="button" className={styles.revokeButton} onClick={() => revocation.ask(token)} aria-label={`Revoke ${token.name}`}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    );
  }

  return (
    <section aria-labelledby="provisioning-tokens-title" className={styles.card}>
      <div className={styles.listHeader}>
        <h2 id="provisioning-tokens-title" className={styles.sectionTitle}>
          Provisioning tokens
        </h2>
        {overview.isFetching && !overview.isPending && <span className={styles.muted}>Refreshing…</span>}
      </div>
      {body}
      {revocation.dialog}
    </section>
  );
}
