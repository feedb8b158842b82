"use client";

import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import sessionStyles from "@/components/sessions/sessions.module.css";
import type { MfaOverviewDto } from "@/lib/query/mfa";
import { useRemoveFactor } from "./use-mfa";
import { ActionButton } from "@/components/ui/action-button";

type Factor = MfaOverviewDto["factors"][number];
const KIND_NAMES: Record<Factor["kind"], string> = { totp: "Authenticator app", passkey: "Passkey" };

function RemoveFactor({ factor, blocked }: { factor: Factor; blocked: boolean }) {
  const remove = useRemoveFactor();
  const [open, setOpen] = useState(false);
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <ActionButton className={sessionStyles.signOutButton} aria-label={`Remove ${factor.label}`} disabled={blocked}>
          Remove
        </ActionButton>
      }
      title={`Remove ${factor.label}?`}
      description="It will no longer sign you in. Removing your last factor also voids your recovery codes."
      confirmLabel="Remove"
      pendingLabel="Removing…"
      tone="danger"
      onConfirm={() => remove.mutateAsync(factor.id)}
    />
  );
}

/** The admin's second factors, each removable, except the last one while the organisation requires MFA. */
export function FactorList({ overview, serverNow }: { overview: MfaOverviewDto; serverNow: number }) {
  if (overview.factors.length === 0) {
    return (
      <div className={sessionStyles.stateBox}>
        <p>You have no second factor yet: add one below.</p>
      </div>
    );
  }
  const lastRequired = overview.policy.requireMfa && overview.factors.length === 1;
  return (
    <>
      <DataTable
        className={sessionStyles.table}
        wrapClassName={sessionStyles.tableWrap}
        columns={["Name", "Kind", "Added", "Last used", { label: <span className={sessionStyles.visuallyHidden}>Actions</span> }]}
      >
        {overview.factors.map((factor) => (
          <tr key={factor.id}>
            <th scope="row" className={sessionStyles.browserCell}>
              {factor.label}
            </th>
            <td data-label="Kind">{KIND_NAMES[factor.kind]}</td>
            <td data-label="Added">
              <RelativeTime iso={factor.createdAt} serverNow={serverNow} />
            </td>
            <td data-label="Last used">
              {factor.lastUsedAt ? <RelativeTime iso={factor.lastUsedAt} serverNow={serverNow} /> : <span className={sessionStyles.muted}>never</span>}
            </td>
            <td className={sessionStyles.actionCell}>
              <RemoveFactor factor={factor} blocked={lastRequired} />
            </td>
          </tr>
        ))}
      </DataTable>
      {lastRequired && <p className={sessionStyles.muted}>Your organisation requires a second factor: add another before you remove this one.</p>}
    </>
  );
}
