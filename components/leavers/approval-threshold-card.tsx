"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { RelativeTime } from "@/components/ui/relative-time";
import { approvalSettingQuery, decideThresholdChangeRequest, setApprovalThresholdRequest } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";
import { fmt } from "./labels";
import { Loading, LoadError } from "./table-parts";
import styles from "./leavers.module.css";

type ThresholdRequest = NonNullable<Awaited<ReturnType<typeof setApprovalThresholdRequest>>["pending"]>;
const thresholdText = (threshold: number | null) => (threshold === null ? "off" : `above ${fmt(threshold)} users`);

/**
 * A looser threshold one admin asked for (docs/decisions/0025): what it would change, until when it
 * waits, and Approve / Reject for the other admins, Withdraw for its requester.
 */
function PendingChange({ request }: { request: ThresholdRequest }) {
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: (decision: "approve" | "reject") => decideThresholdChangeRequest(request.id, decision),
    onSuccess: (setting) => queryClient.setQueryData(leaverKeys.approvalSetting(), setting),
    // A request decided elsewhere meanwhile: show what is now.
    onError: () => queryClient.invalidateQueries({ queryKey: leaverKeys.approvalSetting() }),
  });
  return (
    <div className={styles.warning} role="status" data-testid="threshold-request">
      <p>
        {request.mine ? "You" : request.requestedBy} asked <RelativeTime iso={request.requestedAt} /> to change it from {thresholdText(request.from)} to{" "}
        {thresholdText(request.threshold)}. A looser threshold needs another admin&apos;s approval; the request lapses <RelativeTime iso={request.expiresAt} />.
      </p>
      <div className={styles.actions}>
        {request.canDecide && (
          <>
            <button type="button" className={formStyles.secondary} disabled={decide.isPending} onClick={() => decide.mutate("approve")}>
              Approve change
            </button>
            <button type="button" className={formStyles.secondary} disabled={decide.isPending} onClick={() => decide.mutate("reject")}>
              Reject change
            </button>
          </>
        )}
        {request.mine && (
          <button type="button" className={formStyles.secondary} disabled={decide.isPending} onClick={() => decide.mutate("reject")}>
            Withdraw request
          </button>
        )}
      </div>
      {decide.isError && (
        <p role="alert" className={formStyles.error}>
          {errorMessage(decide.error)}
        </p>
      )}
    </div>
  );
}

/** "Bulk jobs above N rows need a second admin" (docs/decisions/0025): shown on the Leavers page, changed by admins (audited). */
export function ApprovalThresholdCard() {
  const query = useQuery(approvalSettingQuery());
  return (
    <section className={styles.card} aria-labelledby="approval-title" data-testid="approval-threshold">
      <h2 id="approval-title" className={styles.sectionTitle}>
        Second admin for large jobs
      </h2>
      {query.isPending ? (
        <Loading what="the approval setting" />
      ) : query.isError ? (
        <LoadError what="the approval setting" error={query.error} onRetry={() => query.refetch()} />
      ) : (
        <>
          {/* Reset to what stands after each save: a looser value becomes a request and leaves the threshold as it was. */}
          <ThresholdForm key={`${query.data.threshold}:${query.data.pending?.id}`} threshold={query.data.threshold} canChange={query.data.canChange} />
          {query.data.pending && <PendingChange key={query.data.pending.id} request={query.data.pending} />}
        </>
      )}
    </section>
  );
}

function ThresholdForm({ threshold, canChange }: { threshold: number | null; canChange: boolean }) {
  const queryClient = useQueryClient();
  const [on, setOn] = useState(threshold !== null);
  const [rows, setRows] = useState(String(threshold ?? 100));
  const rowsId = useId();
  const save = useMutation({
    mutationFn: (next: number | null) => setApprovalThresholdRequest(next),
    onSuccess: (setting) => queryClient.setQueryData(leaverKeys.approvalSetting(), setting),
  });
  const status =
    threshold === null
      ? "Off: every confirmed job runs at once."
      : `A job that would deactivate more than ${fmt(threshold)} users waits until another admin approves it (72 hours at most); so does an undo that would reactivate more. One admin's jobs of the last 24 hours count together.`;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate(on ? Number(rows) : null);
  }

  return (
    <>
      <p className={styles.muted}>{status}</p>
      {canChange && (
        <form className={styles.actions} onSubmit={onSubmit} noValidate>
          <label>
            <input type="checkbox" checked={on} onChange={(event) => setOn(event.target.checked)} /> Require a second admin
          </label>
          <span className={formStyles.field}>
            <label htmlFor={rowsId}>above this many users</label>
            <input
              id={rowsId}
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={rows}
              disabled={!on}
              onChange={(event) => setRows(event.target.value)}
            />
          </span>
          <button type="submit" className={formStyles.secondary} disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </button>
          {save.isError && (
            <p role="alert" className={formStyles.error}>
              {errorMessage(save.error)}
            </p>
          )}
        </form>
      )}
    </>
  );
}
