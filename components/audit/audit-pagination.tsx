import Link from "next/link";
import type { AuditFilters } from "@/lib/query/keys";
import { auditPageHref } from "./audit-url";
import styles from "./audit.module.css";

const count = (n: number) => n.toLocaleString("en-US");

export function AuditPagination({ filters, total, size }: { filters: AuditFilters; total: number; size: number }) {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(filters.page, pages);
  const first = total === 0 ? 0 : (page - 1) * size + 1;
  const last = Math.min(total, page * size);
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
        {page < pages ? (
          <Link href={auditPageHref({ ...filters, page: page + 1 })} scroll={false} className={styles.pageLink} rel="next">
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
