import type { ReactNode } from "react";
import { LoadError } from "./load-error";
import { RelativeTime } from "./relative-time";
import listStyles from "./list-table.module.css";
import pageStyles from "./page.module.css";

/** What a list needs to know of its react-query query (a plain or an infinite one). */
type ListQuery = {
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  isFetchingNextPage?: boolean;
  error: unknown;
  refetch: () => unknown;
};

/**
 * A console list's heading: its title, "Refreshing…" while the list is fetched again in the background
 * (not while a further page loads: that button says so itself), and the list's own actions after it.
 */
export function ListHeader({ titleId, title, query, children }: { titleId: string; title: string; query: ListQuery; children?: ReactNode }) {
  const refreshing = query.isFetching && !query.isPending && !query.isFetchingNextPage;
  return (
    <div className={listStyles.listHeader}>
      <h2 id={titleId} className={pageStyles.sectionTitle}>
        {title}
      </h2>
      {refreshing && <span className={pageStyles.muted}>Refreshing…</span>}
      {children}
    </div>
  );
}

/**
 * A console list in the four states of its query: loading, failed (with "Try again" when that may work),
 * empty (`empty` says what to do about it), or its items, which `children` lays out.
 */
export function ListBody<T>({
  query,
  items,
  what,
  empty,
  children,
}: {
  query: ListQuery;
  items: readonly T[] | undefined;
  /** The list as a sentence names it: "Could not load {what}". */
  what: string;
  empty: ReactNode;
  children: (items: readonly T[]) => ReactNode;
}) {
  if (query.isPending) return <p className={pageStyles.muted}>Loading {what}…</p>;
  if (query.isError) return <LoadError what={what} error={query.error} onRetry={() => query.refetch()} />;
  if (!items || items.length === 0) {
    return (
      <div className={listStyles.stateBox}>
        <p>{empty}</p>
      </div>
    );
  }
  return children(items);
}

/** A credential's last use, in a list of tokens. */
export function LastUsedCell({ at }: { at: string | null }) {
  return <td data-testid="last-used">{at ? <RelativeTime iso={at} /> : <span className={pageStyles.muted}>never used</span>}</td>;
}
