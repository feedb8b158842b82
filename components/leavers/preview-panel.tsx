"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { RelativeTime } from "@/components/ui/relative-time";
import { leaverPreviewQuery, previewCsvHref } from "@/lib/query/leavers";
import { plural } from "@/components/ui/plural";
import { DeactivateLeaversDialog } from "./deactivate-leavers-dialog";
import { CLASS_LABELS, CLASS_ORDER, fmt } from "./labels";
import { FileRowCells, FilterChips, LeaverTable, Loading, LoadError, Pager } from "./table-parts";
import styles from "./leavers.module.css";

const classTone = (c: string) => (c === "will_deactivate" ? styles.bad : styles.neutral);

export function PreviewPanel({ previewId }: { previewId: string }) {
  const [filters, setFilters] = useState<{ class: string | null; page: number }>({ class: null, page: 1 });
  const [confirming, setConfirming] = useState(false);
  const query = useQuery(leaverPreviewQuery(previewId, filters));

  if (query.isPending) return <Loading what="the preview" />;
  if (query.isError) return <LoadError what="the preview" error={query.error} onRetry={() => query.refetch()} />;

  const { data: preview, meta } = query.data;
  const willDeactivate = preview.counts.will_deactivate ?? 0;
  // Rows with a future effective_at: the job schedules them (docs/decisions/0024).
  const scheduled = preview.counts.scheduled ?? 0;
  return (
    <section className={styles.card} aria-labelledby="preview-title">
      <div className={styles.sectionHeader}>
        <h2 id="preview-title" className={styles.sectionTitle}>
          2. Check the preview
        </h2>
        <span className={`${styles.muted} ${styles.small}`}>
          {preview.file_name ?? "Uploaded file"} · {plural(preview.total_rows, "row")} · uploaded <RelativeTime iso={preview.created_at} /> by{" "}
          {preview.created_by.name}
        </span>
      </div>

      {preview.same_file_recently_run && preview.same_file_run && (
        <div role="alert" className={styles.warning}>
          <p style={{ margin: 0 }}>
            <strong>This exact file was already run in the last 24 hours</strong> (<RelativeTime iso={preview.same_file_run.created_at} />
            ). <Link href={`/leavers?job=${encodeURIComponent(preview.same_file_run.job_id)}`}>See that job</Link> before running it again.
          </p>
        </div>
      )}

      <div className={styles.actionBar} data-testid="preview-actions">
        {preview.job_id ? (
          <p style={{ margin: 0 }}>
            This preview was confirmed.{" "}
            <Link href={`/leavers?job=${encodeURIComponent(preview.job_id)}`} className={styles.link}>
              Open its job
            </Link>
          </p>
        ) : (
          <button type="button" className={formStyles.danger} disabled={willDeactivate + scheduled === 0} onClick={() => setConfirming(true)}>
            Deactivate {plural(willDeactivate, "user")}
            {scheduled > 0 && `, schedule ${plural(scheduled, "user")}`}
          </button>
        )}
        <a href={previewCsvHref(preview.id)} download className={styles.link}>
          Download preview CSV
        </a>
        {willDeactivate + scheduled === 0 && !preview.job_id && <span className={styles.muted}>No row of this file would deactivate anyone.</span>}
      </div>

      <FilterChips
        label="Filter rows by class"
        total={preview.total_rows}
        options={CLASS_ORDER.map((value) => ({ value, label: CLASS_LABELS[value]!, count: preview.counts[value as keyof typeof preview.counts] ?? 0 }))}
        selected={filters.class}
        onSelect={(value) => setFilters({ class: value, page: 1 })}
      />

      {preview.rows.length === 0 ? (
        <p className={styles.muted}>No rows in this class.</p>
      ) : (
        <LeaverTable
          label="Preview rows"
          caption="Row: the record's number in the file, header and blank lines not counted."
          columns={[{ label: "Row", className: styles.num }, "Email", "Reason", "Ticket", "Class"]}
        >
          {preview.rows.map((row) => (
            <tr key={row.row}>
              <FileRowCells row={row} />
              <td className={styles.wrap}>{row.reason ?? ""}</td>
              <td className={styles.wrap}>{row.ticket ?? ""}</td>
              <td>
                <span className={`${styles.badge} ${classTone(row.class)}`}>{CLASS_LABELS[row.class] ?? row.class}</span>
                {row.duplicate_of !== null && <span className={`${styles.muted} ${styles.small}`}> of row {fmt(row.duplicate_of)}</span>}
                {row.class === "scheduled" && row.effective_at && (
                  <span className={`${styles.muted} ${styles.small}`}>
                    {" "}
                    for <RelativeTime iso={row.effective_at} mode="datetime" />
                  </span>
                )}
                {row.effective_at_problem && <div className={`${styles.muted} ${styles.small}`}>{row.effective_at_problem}</div>}
              </td>
            </tr>
          ))}
        </LeaverTable>
      )}
      <Pager page={meta.page} totalPages={meta.total_pages} total={meta.total} onPage={(page) => setFilters((f) => ({ ...f, page }))} />

      <DeactivateLeaversDialog open={confirming} onOpenChange={setConfirming} preview={preview} />
    </section>
  );
}
