import { queryOptions } from "@tanstack/react-query";
import type { ResolveResult, SortDirection, UserListPage, UserListSort, UserListStatus } from "@/db/queries/console-users";
import { consoleFetch } from "@/lib/console/fetch";
import { userKeys, type UserListFilters } from "./keys";

export type { ResolveResult, SortDirection, TotalKind, UserListPage, UserListSort, UserListStatus } from "@/db/queries/console-users";

/** What the Users page shows, as kept in its URL (`/users?query=ali&status=inactive&sort=name&page=2`). */
export type UserFilters = { query: string; status: UserListStatus; department: string; sort: UserListSort; dir: SortDirection; page: number };

export const USER_PAGE_SIZE = 50;
/** The API serves pages starting at most 10,000 users in (COUNT_CAP). */
export const MAX_USER_PAGE = 10_000 / USER_PAGE_SIZE;
const SORTS: readonly UserListSort[] = ["email", "name", "createdAt"];
const STATUSES: readonly UserListStatus[] = ["all", "active", "inactive"];

/** Email and name read A→Z first; dates newest first. */
export function defaultDirection(sort: UserListSort): SortDirection {
  return sort === "createdAt" ? "desc" : "asc";
}

export const DEFAULT_USER_FILTERS: UserFilters = { query: "", status: "all", department: "", sort: "email", dir: "asc", page: 1 };

/** Reads filters from URL parameters leniently: anything unknown falls back to its default. */
export function parseUserFilters(get: (name: string) => string | null | undefined): UserFilters {
  const sort = SORTS.find((s) => s === get("sort")) ?? "email";
  const dir = get("dir");
  const page = Number.parseInt(get("page") ?? "", 10);
  return {
    query: (get("query") ?? "").slice(0, 320),
    status: STATUSES.find((s) => s === get("status")) ?? "all",
    department: (get("department") ?? "").slice(0, 200),
    sort,
    dir: dir === "asc" || dir === "desc" ? dir : defaultDirection(sort),
    page: Number.isFinite(page) ? Math.min(MAX_USER_PAGE, Math.max(1, page)) : 1,
  };
}

/** URL parameters for the filters, defaults left out so that a plain /users stays plain. */
export function userFiltersParams(filters: UserFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.query.trim()) params.set("query", filters.query.trim());
  if (filters.status !== "all") params.set("status", filters.status);
  if (filters.department) params.set("department", filters.department);
  if (filters.sort !== "email") params.set("sort", filters.sort);
  if (filters.dir !== defaultDirection(filters.sort)) params.set("dir", filters.dir);
  if (filters.page > 1) params.set("page", String(filters.page));
  return params;
}

/** The react-query key of a page: the same on the server (prefetch) and in the browser. */
export function userListKey(filters: UserFilters) {
  const key: UserListFilters = { query: filters.query.trim(), status: filters.status, department: filters.department, sort: `${filters.sort}:${filters.dir}`, page: filters.page };
  return userKeys.list(key);
}

export function userListQueryOptions(filters: UserFilters) {
  const params = userFiltersParams(filters);
  params.set("sort", filters.sort);
  params.set("dir", filters.dir);
  params.set("size", String(USER_PAGE_SIZE));
  return queryOptions({
    queryKey: userListKey(filters),
    // react-query aborts the signal when the filters move on, so a stale search stops downloading.
    queryFn: ({ signal }) => consoleFetch<{ data: UserListPage }>(`/api/console/users?${params}`, { signal }).then((body) => body.data),
  });
}

export function departmentsQueryOptions() {
  return queryOptions({
    queryKey: userKeys.departments(),
    queryFn: ({ signal }) => consoleFetch<{ data: { departments: string[] } }>("/api/console/users/departments", { signal }).then((body) => body.data.departments),
    staleTime: 5 * 60_000,
  });
}

/** Looks pasted emails up; keyed by the list so that resolving the same list twice reuses the answer briefly. */
export function resolveEmailsQueryOptions(emails: string[]) {
  return queryOptions({
    queryKey: userKeys.resolve(emails),
    queryFn: ({ signal }) => consoleFetch<{ data: ResolveResult }>("/api/console/users/resolve", { method: "POST", body: { emails }, signal }).then((body) => body.data),
    enabled: emails.length > 0,
    staleTime: 10_000,
  });
}
