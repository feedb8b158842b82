import Link from "next/link";
import type * as z from "zod/mini";
import { AUDIT_LIST_DEPTH, type auditPage } from "@/lib/contracts/audit";
import type { AuditFilters } from "@/lib/query/keys";
import { auditPageHref } from "./audit-url";
import styles from "./audit.module.css";

const number = (n: number) => n.toLocaleString("en-US");

type AuditCount = Pick<z.output<typeof auditPage>, "total" | "totalKind" | "size">;

/**
 * Newer and Older, with where the page is. Pages go AUDIT_LIST_DEPTH events deep; from the deepest,
 * Older carries on from the oldest event shown (`to` set to its time, page 1), so nothing older is out
 * of reach. `to` includes that instant, so events sharing it with the last row shown come again rather
 * than being skipped. Past AUDIT_COUNT_CAP matches the total is a lower bound ("100,000+"), and so is
 * the number of pages.
 */
export function AuditPagination({
  filters,
  count: { total, totalKind, size },
  oldestAt,
}: {
  filters: AuditFilters;
  count: AuditCount;
  oldestAt: string | undefined;
}) {
  const exact = totalKind === "exact";
  const pages = Math.max(1, Math.ceil(total / size));
  const page = exact ? Math.min(filters.page, pages) : filters.page;
  const first = total === 0 ? 0 : (page - 1) * size + 1;
  const last = Math.min(total, page * size);
  const older =
    exact && page >= pages ? null : page * size < AUDIT_LIST_DEPTH ? { ...filters, page: page + 1 } : oldestAt ? { ...filters, to: oldestAt, page: 1 } : null;
  const plus = exact ? "" : "+";
  return (
    <nav aria-label="Pages" className={styles.pagination}>
      <p className={styles.range} aria-live="polite">
        {number(first)}–{number(last)} of {number(total)}
        {plus} events · page {number(page)} of {number(pages)}
        {plus}
      </p>
      <div className={styles.pageLinks}>
        {page > 1 ? (
          <Link href={auditPageHref({ ...filters, page: page - 1 })} scroll={false} className={styles.pageLink} rel="prev">
            ← Newer
          </Link>
        ) : (
          <span className={`${styles.pageLink} ${styles.disabled}`} aria-disabled="true">
            ← Newer
          </span>
        )}
        {older ? (
          <Link href={auditPageHref(older)} scroll={false} className={styles.pageLink} rel="next">
            Older →
          </Link>
        ) : (
          <span className={`${styles.pageLink} ${styles.disabled}`} aria-disabled="true">
            Older →
          </span>
        )}
      </div>
    </nav>
  );
}
