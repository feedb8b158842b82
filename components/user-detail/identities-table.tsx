import type { ReactNode } from "react";
import type { IdentityDto, LinkedByDto } from "@/lib/query/user-detail";
import { RelativeTime } from "@/components/ui/relative-time";
import styles from "./user-detail.module.css";

const LINKED_BY: Record<LinkedByDto, { label: string; description: string }> = {
  auto: { label: "Auto", description: "Linked automatically when the account first signed in" },
  manual: { label: "Manual", description: "Linked by an admin or through the API" },
  scim: { label: "SCIM", description: "Provisioned by the provider over SCIM" },
};

const COLUMNS = ["Provider", "External ID", "Username", "Email", "Display name", "Linked by", "Last sync"] as const;

// On narrow screens each row becomes a card: the label comes from data-label (CSS), and the
// explicit roles keep the table's semantics when its display is changed.
function Cell({ column, className, children }: { column: (typeof COLUMNS)[number]; className?: string; children: ReactNode }) {
  return (
    <td role="cell" data-label={column}>
      <div className={className ? `${styles.cellValue} ${className}` : styles.cellValue}>{children}</div>
    </td>
  );
}

function Optional({ value }: { value: string | null }) {
  return value ? <>{value}</> : <span className={styles.none}>none</span>;
}

export function IdentitiesTable({ identities, serverNow }: { identities: IdentityDto[]; serverNow: number }) {
  return (
    <section className={styles.card} aria-labelledby="identities-heading">
      <h2 id="identities-heading">
        Identities <span className={styles.count}>{identities.length}</span>
      </h2>
      {identities.length === 0 ? (
        <p className={styles.empty}>No accounts at identity providers are linked to this user.</p>
      ) : (
        <table className={styles.table} role="table" aria-labelledby="identities-heading">
          <thead role="rowgroup">
            <tr role="row">
              {COLUMNS.map((column) => (
                <th key={column} scope="col" role="columnheader">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody role="rowgroup">
            {identities.map((identity) => {
              const linkedBy = LINKED_BY[identity.linkedBy] ?? { label: identity.linkedBy, description: "" };
              return (
                <tr key={identity.id} role="row">
                  <Cell column="Provider">
                    <span className={styles.provider}>{identity.providerName}</span>{" "}
                    <span className={styles.providerType}>{identity.providerType.toUpperCase()}</span>
                  </Cell>
                  <Cell column="External ID" className={styles.mono}>
                    {identity.externalId}
                  </Cell>
                  <Cell column="Username">
                    <Optional value={identity.externalUsername} />
                  </Cell>
                  <Cell column="Email">
                    <Optional value={identity.externalEmail} />
                  </Cell>
                  <Cell column="Display name">
                    <Optional value={identity.externalDisplayName} />
                  </Cell>
                  <Cell column="Linked by">
                    <span className={styles.linkedBy} data-linked-by={identity.linkedBy} title={linkedBy.description}>
                      {linkedBy.label}
                    </span>
                  </Cell>
                  <Cell column="Last sync" className={styles.nowrap}>
                    {identity.lastSyncedAt ? (
                      <RelativeTime iso={identity.lastSyncedAt} serverNow={serverNow} />
                    ) : (
                      <span className={styles.none}>never synced</span>
                    )}
                  </Cell>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
