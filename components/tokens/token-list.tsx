"use client";

import { DataTable } from "@/components/ui/data-table";
import { LastUsedCell, ListBody, ListHeader } from "@/components/ui/list-card";
import type { TokenDto } from "@/lib/query/tokens";
import { RelativeTime } from "@/components/ui/relative-time";
import { useRevocation } from "@/components/ui/revoke-dialog";
import { scopeLabel } from "./scope-labels";
import styles from "./tokens.module.css";
import { useRevokeToken, useTokenList } from "./use-tokens";

const STATUS_TEXT: Record<TokenDto["status"], string> = { active: "Active", expired: "Expired", revoked: "Revoked" };

function StatusBadge({ token }: { token: TokenDto }) {
  return <span className={`${styles.badge} ${styles[token.status]}`}>{STATUS_TEXT[token.status]}</span>;
}

function Expiry({ token }: { token: TokenDto }) {
  if (token.status === "revoked" && token.revokedAt) {
    return (
      <>
        revoked <RelativeTime iso={token.revokedAt} />
      </>
    );
  }
  if (!token.expiresAt) return <span className={styles.muted}>never</span>;
  return <RelativeTime iso={token.expiresAt} />;
}

export function TokenList() {
  const tokens = useTokenList();
  const revoke = useRevokeToken();
  const revocation = useRevocation<TokenDto>(
    (id) => revoke.mutateAsync(id),
    () => "Every script or integration using this token stops working at once. This cannot be undone: to grant access again, create a new token.",
  );

  return (
    <section aria-labelledby="token-list-title" className={styles.card}>
      <ListHeader titleId="token-list-title" title="Your tokens" query={tokens} />
      <ListBody query={tokens} items={tokens.data} what="your tokens" empty="You have no tokens yet. Create one above to call Roster's APIs from a script.">
        {(items) => (
          <DataTable
            className={styles.table}
            wrapClassName={styles.tableWrap}
            columns={["Token", "Created", "Last used", "Expires", "Status", { label: <span className={styles.visuallyHidden}>Actions</span> }]}
          >
            {items.map((token) => (
              <tr key={token.id} className={token.status === "active" ? undefined : styles.inactiveRow}>
                <th scope="row" className={styles.tokenCell}>
                  <span className={styles.tokenName}>{token.name}</span>
                  <ul className={styles.scopeChips} aria-label="Scopes">
                    {token.scopes.map((scope) => (
                      <li key={scope} title={scopeLabel(scope)}>
                        <code>{scope}</code>
                      </li>
                    ))}
                  </ul>
                </th>
                <td>
                  <RelativeTime iso={token.createdAt} />
                </td>
                <LastUsedCell at={token.lastUsedAt} />
                <td>
                  <Expiry token={token} />
                </td>
                <td>
                  <StatusBadge token={token} />
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
