"use client";

import { DataTable } from "@/components/ui/data-table";
import { ListHeader } from "@/components/ui/list-card";
import { RelativeTime } from "@/components/ui/relative-time";
import styles from "./provisioning.module.css";
import { useProvisioningOverview } from "./use-provisioning";

/** The tenant's SCIM identity providers, each with how many of its tokens still work. */
export function ScimProviderList() {
  const overview = useProvisioningOverview();
  // The token list beside this one says why the overview did not load.
  if (!overview.data) return null;
  const { providers, tokens } = overview.data;
  return (
    <section aria-labelledby="scim-providers-title" className={styles.card}>
      <ListHeader titleId="scim-providers-title" title="SCIM identity providers" query={overview} />
      {providers.length === 0 ? (
        <div className={styles.stateBox}>
          <p>No SCIM identity provider yet: the first token you create adds one.</p>
        </div>
      ) : (
        <DataTable className={styles.table} wrapClassName={styles.tableWrap} columns={["Provider", "Added", "Active tokens"]}>
          {providers.map((provider) => {
            const active = tokens.filter((t) => t.providerId === provider.id && t.status === "active").length;
            return (
              <tr key={provider.id}>
                <th scope="row" className={styles.nameCell}>
                  {provider.name}
                </th>
                <td>
                  <RelativeTime iso={provider.createdAt} />
                </td>
                <td className={active === 0 ? styles.muted : undefined}>{active === 0 ? "none" : active.toLocaleString("en-US")}</td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}
