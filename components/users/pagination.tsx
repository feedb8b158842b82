"use client";

import { ActionButton } from "@/components/ui/action-button";
import { MAX_USER_PAGE, type UserListPage } from "@/lib/query/users";
import styles from "./users.module.css";

const fmt = (n: number) => n.toLocaleString("en-US");

/** "1–50 of 2,002", "1–50 of 10,000+", "1–50 of about 7,900". */
export function rangeText(page: UserListPage): string {
  const first = (page.page - 1) * page.size + 1;
  const last = first + page.users.length - 1;
  const total = page.totalKind === "atLeast" ? `${fmt(page.total)}+` : page.totalKind === "estimate" ? `about ${fmt(page.total)}` : fmt(page.total);
  return `${fmt(first)}–${fmt(last)} of ${total}`;
}

export function Pagination({ page, onPage }: { page: UserListPage; onPage: (page: number) => void }) {
  const pages = Math.min(MAX_USER_PAGE, Math.max(1, Math.ceil(page.total / page.size)));
  const hasNext = page.users.length === page.size && page.page < MAX_USER_PAGE && (page.totalKind !== "exact" || page.page < pages);
  return (
    <nav aria-label="Pages" className={styles.pagination}>
      <ActionButton className={styles.pageButton} disabled={page.page <= 1} onClick={() => onPage(page.page - 1)}>
        ← Previous
      </ActionButton>
      <span className={styles.pageText}>{page.totalKind === "exact" ? `Page ${fmt(page.page)} of ${fmt(pages)}` : `Page ${fmt(page.page)}`}</span>
      <ActionButton className={styles.pageButton} disabled={!hasNext} onClick={() => onPage(page.page + 1)}>
        Next →
      </ActionButton>
    </nav>
  );
}
