import Link from "next/link";
import { AUDIT_LIST_DEPTH } from "@/lib/contracts/audit";
import type { AuditFilters } from "@/lib/query/keys";
import { auditPageHref } from "./audit-url";
import styles from "./audit.module.css";

const count = (n: number) => n.toLocaleString("en-US");

/**
 * Newer and Older, with where the page is. Pages go AUDIT_LIST_DEPTH events deep; from the deepest,
 * Older carries on from the oldest event shown (`to` set to its time, page 1), so nothing older is out
 * of reach. `to` includes that instant, so events sharing it with the last row shown come again rather
 * than being skipped.
 */
export function AuditPagination({ filters, total, size, oldestAt }: { filters: AuditFilters; total: number; size: number; oldestAt: string | undefined }) {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(filters.page, pages);
  const first = total === 0 ? 0 : (page - 1) * size + 1;
  const last = Math.min(total, page * size);
  const older =
    page >= pages ? null : page * size < AUDIT_LIST_DEPTH ? { ...filters, page: page + 1 } : oldestAt ? { ...filters, to: oldestAt, page: 1 } : null;
  return (
    <nav aria-label="Pages" className={styles.pagination}>
      <p className={styles.range} aria-live="polite">
        {count(first)}–{count(last)} of {count(total)} events · page {count(page)} of {count(pages)}
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
