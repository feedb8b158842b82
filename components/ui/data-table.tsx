import type { ReactNode } from "react";

/** A column header: its text, or its content (e.g. a visually hidden label) and the class its cells share. */
export type Column = string | { label: ReactNode; className?: string };

/**
 * A table's frame: the scrolling wrapper, the table, one row of column headers, and the rows
 * (children) in its body. `region` makes the wrapper a named, focusable region, so that a
 * keyboard can scroll a table wider or taller than its box.
 */
export function DataTable({
  columns,
  children,
  label,
  caption,
  region,
  busy,
  className,
  wrapClassName,
}: {
  columns: Column[];
  children: ReactNode;
  /** The table's accessible name, when no heading names it. */
  label?: string;
  caption?: ReactNode;
  region?: string;
  busy?: boolean;
  className?: string;
  wrapClassName?: string;
}) {
  const regionProps = region ? { role: "region", "aria-label": region, tabIndex: 0 } : {};
  return (
    <div className={wrapClassName} aria-busy={busy || undefined} {...regionProps}>
      <table className={className} aria-label={label}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column, i) => {
              const { label: text, className: columnClass } = typeof column === "string" ? { label: column, className: undefined } : column;
              return (
                <th key={i} scope="col" className={columnClass}>
                  {text}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
