"use client";

import Link from "next/link";
import { ActionButton } from "@/components/ui/action-button";
import type { SortDirection, UserListPage, UserListSort } from "@/lib/query/users";
import styles from "./users.module.css";

type SortProps = { sort: UserListSort; dir: SortDirection; onSort: (sort: UserListSort) => void };

function SortHeader({ column, label, sort, dir, onSort }: SortProps & { column: UserListSort; label: string }) {
  const active = sort === column;
  return (
    <th scope="col" aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}>
      <ActionButton className={styles.sortButton} onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" className={active ? styles.sortIconActive : styles.sortIcon}>
          {active && dir === "desc" ? "▼" : "▲"}
        </span>
      </ActionButton>
    </th>
  );
}

/** Dates as YYYY-MM-DD in UTC: the same text on the server and in every browser. */
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function UsersTable({ page, busy, ...sortProps }: SortProps & { page: UserListPage; busy: boolean }) {
  return (
    <div className={styles.tableWrap} role="region" aria-label="Users" tabIndex={0}>
      <table className={styles.table} aria-busy={busy} data-busy={busy || undefined}>
        <thead>
          <tr>
            <SortHeader column="email" label="Email" {...sortProps} />
            <SortHeader column="name" label="Name" {...sortProps} />
            <th scope="col">Department</th>
            <th scope="col">Status</th>
            <SortHeader column="createdAt" label="Created" {...sortProps} />
          </tr>
        </thead>
        <tbody>
          {page.users.map((user) => (
            <tr key={user.id}>
              <td className={styles.email}>
                {/* No prefetch: fifty user pages per list would be fetched for one or two visits. */}
                <Link href={`/users/${user.id}`} prefetch={false}>
                  {user.email}
                </Link>
              </td>
              <td className={styles.name}>
                {user.name}
                {user.designation && <span className={styles.secondary}>{user.designation}</span>}
              </td>
              <td>{user.department || <span className={styles.muted}>—</span>}</td>
              <td>
                <span className={user.active ? styles.badgeActive : styles.badgeInactive}>{user.active ? "Active" : "Inactive"}</span>
              </td>
              <td className={styles.date}>{day(user.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
