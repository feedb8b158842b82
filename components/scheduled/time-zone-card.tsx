"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import pageStyles from "@/components/ui/page.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { scheduledKeys } from "@/lib/query/keys";
import { saveTimeZoneRequest, timeZoneQuery } from "@/lib/query/scheduled";
import styles from "./scheduled.module.css";

/**
 * The tenant's time zone, in which a leaver file's date-only effective_at ends (23:59:59.999 there).
 * Admins change it here or with `roster tenant set --time-zone`; others read it.
 */
export function TimeZoneCard({ mayChange }: { mayChange: boolean }) {
  const id = useId();
  const queryClient = useQueryClient();
  const current = useQuery(timeZoneQuery()).data?.timeZone;
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: saveTimeZoneRequest,
    onSuccess: (saved) => {
      queryClient.setQueryData(scheduledKeys.timeZone(), saved);
      void queryClient.invalidateQueries({ queryKey: scheduledKeys.list() });
      setDraft(null);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft) save.mutate(draft.trim());
  };
  return (
    <section className={pageStyles.card} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className={pageStyles.sectionTitle}>
        Time zone
      </h2>
      <p>
        A leaver file&apos;s <code>effective_at</code> date without a time ends at 23:59:59.999 in this zone:{" "}
        <strong data-testid="tenant-time-zone">{current ?? "…"}</strong>.
      </p>
      {mayChange && (
        <form className={styles.zoneForm} onSubmit={submit}>
          <label>
            IANA time zone
            <input value={draft ?? current ?? ""} onChange={(event) => setDraft(event.target.value)} placeholder="Europe/Berlin" spellCheck={false} />
          </label>
          <button type="submit" className={formStyles.secondary} disabled={!draft || draft.trim() === current || save.isPending}>
            {save.isPending ? "Saving…" : "Save time zone"}
          </button>
          {save.isError && (
            <p role="alert" className={styles.problem}>
              {errorMessage(save.error)}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
