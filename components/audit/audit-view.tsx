"use client";

import formStyles from "@/components/console/form.module.css";
import { LoadError } from "@/components/ui/load-error";
import { useHydrated } from "@/components/ui/use-hydrated";
import { MAX_AUDIT_EXPORT_ROWS } from "@/lib/contracts/audit";
import { auditExportHref } from "@/lib/query/audit";
import { AuditFilterForm } from "./audit-filter-form";
import { AuditPagination } from "./audit-pagination";
import { AuditTable } from "./audit-table";
import { EMPTY_AUDIT_FILTERS, hasFilters } from "./audit-url";
import styles from "./audit.module.css";
import { useAuditFilters, useAuditLog } from "./use-audit-log";
import { ActionButton } from "@/components/ui/action-button";

export function AuditView() {
  const hydrated = useHydrated();
  const { filters, urlKey, setFilters } = useAuditFilters();
  const log = useAuditLog(filters);
  const filtered = hasFilters(filters);

  let results;
  if (log.isPending) {
    results = (
      <p className={styles.state} role="status">
        Loading events…
      </p>
    );
  } else if (log.isError) {
    // The API names the filter it could not read (e.g. "from must be an ISO date…"): show that too.
    results = <LoadError what="the audit log" error={log.error} withFields onRetry={() => log.refetch()} />;
  } else if (log.data.total === 0) {
    results = (
      <div className={styles.state}>
        <p>{filtered ? "No events match these filters." : "No audit events yet."}</p>
        {filtered && (
          <ActionButton className={formStyles.secondary} onClick={() => setFilters(EMPTY_AUDIT_FILTERS)}>
            Clear filters
          </ActionButton>
        )}
      </div>
    );
  } else {
    results = (
      <>
        <AuditTable events={log.data.events} busy={log.isPlaceholderData} />
        <AuditPagination filters={filters} count={log.data} oldestAt={log.data.events.at(-1)?.at} />
      </>
    );
  }

  // AUDIT_COUNT_CAP is the export's limit: a total past it is one the export cannot hold.
  const pastExport = log.data?.totalKind === "atLeast";
  return (
    <div className={styles.page}>
      <header className={styles.pageHeader}>
        <div>
          <h1>Audit log</h1>
          <p className={styles.muted}>Every change and bulk job in your tenant: who did it, with which token or session, and how it ended. Newest first.</p>
        </div>
        <a href={auditExportHref(filters)} download className={`${formStyles.secondary} ${styles.exportLink}`}>
          Export CSV
        </a>
      </header>
      <section className={styles.card}>
        <AuditFilterForm
          key={hydrated ? urlKey : "server"}
          filters={filters}
          hydrated={hydrated}
          onApply={setFilters}
          onClear={filtered ? () => setFilters(EMPTY_AUDIT_FILTERS) : null}
        />
      </section>
      <section className={styles.card} aria-label="Events">
        {pastExport && (
          <p className={styles.muted}>
            The export holds the newest {MAX_AUDIT_EXPORT_ROWS.toLocaleString("en-US")} of these events; narrow the filters to export the rest.
          </p>
        )}
        {results}
      </section>
    </div>
  );
}
