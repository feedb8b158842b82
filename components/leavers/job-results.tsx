"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { leaverResultsQuery, resultsCsvHref, type LeaverJobDto } from "@/lib/query/leavers";
import { OUTCOME_LABELS } from "./labels";
import { FileRowCells, FilterChips, LeaverTable, Loading, LoadError, Pager } from "./table-parts";
import styles from "./leavers.module.css";

const outcomeTone = (outcome: string | null) =>
  outcome === "deactivated" || outcome === "reactivated" ? styles.good : outcome === "error" ? styles.bad : styles.neutral;

/** Per-row outcomes of a finished job, filterable by outcome. */
export function JobResults({ job }: { job: LeaverJobDto }) {
  const [filters, setFilters] = useState<{ outcome: string | null; page: number }>({ outcome: null, page: 1 });
  const query = useQuery(leaverResultsQuery(job.id, filters));
  const counts = job.counts ?? {};
  const options = Object.keys(OUTCOME_LABELS)
    .filter((outcome) => (counts[outcome] ?? 0) > 0)
    .map((value) => ({ value, label: OUTCOME_LABELS[value]!, count: counts[value]! }));

  return (
    <section className={styles.card} aria-labelledby="results-title">
      <div className={styles.sectionHeader}>
        <h2 id="results-title" className={styles.sectionTitle}>
          Results
        </h2>
        <a href={resultsCsvHref(job.id)} download className={styles.link}>
          Download results CSV
        </a>
      </div>
      <FilterChips
        label="Filter rows by outcome"
        total={job.total_rows}
        options={options}
        selected={filters.outcome}
        onSelect={(outcome) => setFilters({ outcome, page: 1 })}
      />
      {query.isPending ? (
        <Loading what="the results" />
      ) : query.isError ? (
        <LoadError what="the results" error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <p className={styles.muted}>No rows with this outcome.</p>
      ) : (
        <>
          <LeaverTable label="Results" columns={[{ label: "Row", className: styles.num }, "Email", "Outcome", "Why", "Ticket"]}>
            {query.data.data.map((row) => (
              <tr key={row.row}>
                <FileRowCells row={row} />
                <td>
                  <span className={`${styles.badge} ${outcomeTone(row.outcome)}`}>
                    {row.outcome ? (OUTCOME_LABELS[row.outcome] ?? row.outcome) : "Pending"}
                  </span>
                </td>
                <td className={styles.wrap}>{row.outcome_reason ?? ""}</td>
                <td className={styles.wrap}>{row.ticket ?? ""}</td>
              </tr>
            ))}
          </LeaverTable>
          <Pager
            page={query.data.meta.page}
            totalPages={query.data.meta.total_pages}
            total={query.data.meta.total}
            onPage={(page) => setFilters((f) => ({ ...f, page }))}
          />
        </>
      )}
    </section>
  );
}
