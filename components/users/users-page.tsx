"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { errorText } from "@/components/ui/error-text";
import { defaultDirection, userListQueryOptions, type UserFilters, type UserListPage, type UserListSort } from "@/lib/query/users";
import { PasteEmailsButton } from "./paste-emails-button";
import { Pagination, rangeText } from "./pagination";
import { SearchBox } from "./search-box";
import { UserFiltersBar } from "./user-filters-bar";
import { useUserFilters } from "./use-user-filters";
import { UsersTable } from "./users-table";
import styles from "./users.module.css";

const SORT_NAMES: Record<UserListSort, string> = { email: "email", name: "name", createdAt: "creation date" };

function describeFilters(filters: UserFilters): string {
  const parts = [
    filters.query.trim() ? `“${filters.query.trim()}”` : "",
    filters.status !== "all" ? `status ${filters.status}` : "",
    filters.department ? `department ${filters.department}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "the filters";
}

function Summary({ page, filters }: { page: UserListPage; filters: UserFilters }) {
  return (
    <>
      <p className={styles.summary} role="status">
        {page.users.length > 0
          ? `${rangeText(page)} ${page.total === 1 && page.totalKind === "exact" ? "user" : "users"}`
          : page.total > 0
            ? ""
            : `No users match ${describeFilters(filters)}`}
      </p>
      {page.sortFallback && (
        <p className={styles.note}>Sorted by email: sorting by {SORT_NAMES[filters.sort]} needs a narrower search (more than 5,000 users match).</p>
      )}
    </>
  );
}

export function UsersPage() {
  const [filters, setFilters] = useUserFilters();
  // Keep the last page on screen while the next one loads: no flash of an empty table per keystroke.
  const list = useQuery({ ...userListQueryOptions(filters), placeholderData: keepPreviousData });
  const onSearch = useCallback((query: string) => setFilters({ query, page: 1 }, "replace"), [setFilters]);
  // The header of the order on screen flips it; another header starts in that column's natural order.
  const onSort = (sort: UserListSort) =>
    setFilters({ sort, dir: list.data?.sort === sort ? (list.data.dir === "asc" ? "desc" : "asc") : defaultDirection(sort), page: 1 });
  const page = list.data;
  const busy = list.isFetching;

  return (
    <div className={styles.page}>
      <div className={styles.titleRow}>
        <h1 className={styles.title}>Users</h1>
        <PasteEmailsButton />
      </div>
      <form role="search" aria-label="Users" className={styles.toolbar} onSubmit={(event) => event.preventDefault()}>
        <SearchBox value={filters.query} onSearch={onSearch} busy={busy} />
        <UserFiltersBar filters={filters} onChange={(patch) => setFilters(patch)} />
      </form>

      {list.isError && (
        <div role="alert" className={styles.errorBox}>
          <p>Could not load users: {errorText(list.error).message}</p>
          {errorText(list.error).retryable && (
            <button type="button" className={styles.pageButton} onClick={() => void list.refetch()}>
              Retry
            </button>
          )}
        </div>
      )}

      {!page && list.isPending && (
        <p className={styles.summary} role="status">
          Loading users…
        </p>
      )}

      {page && !list.isError && (
        <>
          <Summary page={page} filters={filters} />
          {page.users.length > 0 ? (
            <>
              <UsersTable page={page} busy={list.isPlaceholderData} sort={page.sort} dir={page.dir} onSort={onSort} />
              <Pagination page={page} onPage={(n) => setFilters({ page: n })} />
            </>
          ) : (
            <div className={styles.empty}>
              {page.total > 0 ? (
                <>
                  <p>This page is past the last one.</p>
                  <button type="button" className={styles.pageButton} onClick={() => setFilters({ page: 1 })}>
                    Go to the first page
                  </button>
                </>
              ) : (
                <p>Check the spelling, search by the start of the address, or clear the filters.</p>
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}
