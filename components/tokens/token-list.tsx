"use client";

import { DataTable } from "@/components/ui/data-table";
import { LoadError } from "@/components/ui/load-error";
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

  let body;
  if (tokens.isPending) {
    body = <p className={styles.muted}>Loading your tokens…</p>;
  } else if (tokens.isError) {
    body = <LoadError what="your tokens" error={tokens.error} onRetry={() => tokens.refetch()} />;
  } else if (tokens.data.length === 0) {
    body = (
      <div className={styles.stateBox}>
        <p>You have no tokens yet. Create one above to call Roster&apos;s APIs from a script.</p>
      </div>
    );
  } else {
    body = (
      <DataTable
        className={styles.table}
        wrapClassName={styles.tableWrap}
        columns={["Token", "Created", "Last used", "Expires", "Status", { label: <span className={styles.visuallyHidden}>Actions</span> }]}
      >
        {tokens.data.map((token) => (
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
            <td data-testid="last-used">{token.lastUsedAt ? <RelativeTime iso={token.lastUsedAt} /> : <span className={styles.muted}>never used</span>}</td>
            <td>
              <Expiry token={token} />
            </td>
            <td>
              <StatusBadge token={token} />
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
    <section aria-labelledby="token-list-title" className={styles.card}>
      <div className={styles.listHeader}>
        <h2 id="token-list-title" className={styles.sectionTitle}>
          Your tokens
        </h2>
        {tokens.isFetching && !tokens.isPending && <span className={styles.muted}>Refreshing…</span>}
      </div>
      {body}
      {revocation.dialog}
    </section>
  );
}
