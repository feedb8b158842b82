"use client";

import type { ComponentProps } from "react";
import { DataTable } from "@/components/ui/data-table";
import { LoadError as ConsoleLoadError } from "@/components/ui/load-error";
import { fmt } from "./labels";
import styles from "./leavers.module.css";

/** Toggle buttons "All (n)", "Deactivated (n)", …: a filter that also shows the counts. */
export function FilterChips({
  label,
  total,
  options,
  selected,
  onSelect,
}: {
  label: string;
  total: number;
  options: { value: string; label: string; count: number }[];
  selected: string | null;
  onSelect: (value: string | null) => void;
}) {
  return (
    <div role="group" aria-label={label} className={styles.chips}>
      <button type="button" className={styles.chip} aria-pressed={selected === null} onClick={() => onSelect(null)}>
        All <span className={styles.chipCount}>{fmt(total)}</span>
      </button>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          className={styles.chip}
          aria-pressed={selected === option.value}
          disabled={option.count === 0 && selected !== option.value}
          onClick={() => onSelect(option.value)}
          data-testid={`chip-${option.value}`}
        >
          {option.label} <span className={styles.chipCount}>{fmt(option.count)}</span>
        </button>
      ))}
    </div>
  );
}

export function Pager({ page, totalPages, total, onPage }: { page: number; totalPages: number; total: number; onPage: (page: number) => void }) {
  if (totalPages <= 1) return null;
  return (
    <nav aria-label="Pages" className={styles.pagination}>
      <button type="button" className={styles.pageButton} disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous
      </button>
      <span className={styles.small}>
        Page {fmt(page)} of {fmt(totalPages)} ({fmt(total)} rows)
      </span>
      <button type="button" className={styles.pageButton} disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </nav>
  );
}

/** The leaver pages' tables: the console's table frame in this page's look. */
export function LeaverTable(props: Omit<ComponentProps<typeof DataTable>, "className" | "wrapClassName">) {
  return <DataTable {...props} className={styles.table} wrapClassName={styles.tableWrap} />;
}

/** The first two cells of a row of the leaver file, in the preview and in a job's results: its number and its email. */
export function FileRowCells({ row }: { row: { row: number; email: string } }) {
  return (
    <>
      <td className={styles.num}>{fmt(row.row)}</td>
      <td className={`${styles.wrap} ${styles.email}`}>{row.email || <span className={styles.muted}>(empty)</span>}</td>
    </>
  );
}

/** The console's load error in this page's look. */
export const LoadError = (props: Omit<ComponentProps<typeof ConsoleLoadError>, "className">) => <ConsoleLoadError {...props} className={styles.errorBox} />;

export const Loading = ({ what }: { what: string }) => (
  <p role="status" className={styles.muted}>
    Loading {what}…
  </p>
);
