"use client";

import formStyles from "@/components/console/form.module.css";
import { errorText } from "@/components/ui/error-text";
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

export function LoadError({ what, error, onRetry }: { what: string; error: unknown; onRetry: () => void }) {
  const { message, retryable } = errorText(error);
  return (
    <div role="alert" className={styles.errorBox}>
      <p>
        Could not load {what}: {message}
      </p>
      {retryable && (
        <button type="button" className={formStyles.secondary} onClick={onRetry} style={{ marginTop: "0.5rem" }}>
          Try again
        </button>
      )}
    </div>
  );
}

export const Loading = ({ what }: { what: string }) => (
  <p role="status" className={styles.muted}>
    Loading {what}…
  </p>
);
