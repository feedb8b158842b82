import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { USER_LIST_COUNT_CAP, USER_LIST_SORTS, USER_LIST_STATUSES } from "@/db/constants";
import { consoleFetch } from "@/lib/console/fetch";
import { userContracts, type resolveResult, type userListPage } from "@/lib/contracts/users";
import { userKeys, type UserListFilters } from "./keys";

export type UserListPage = z.infer<typeof userListPage>;
export type ResolveResult = z.infer<typeof resolveResult>;
export type UserListSort = (typeof USER_LIST_SORTS)[number];
export type UserListStatus = (typeof USER_LIST_STATUSES)[number];
export type SortDirection = UserListPage["dir"];
export type TotalKind = UserListPage["totalKind"];

/** What the Users page shows, as kept in its URL (`/users?query=ali&status=inactive&sort=name&page=2`). */
export type UserFilters = { query: string; status: UserListStatus; department: string; sort: UserListSort; dir: SortDirection; page: number };

export const USER_PAGE_SIZE = 50;
/** The API serves pages starting at most USER_LIST_COUNT_CAP users in. */
export const MAX_USER_PAGE = USER_LIST_COUNT_CAP / USER_PAGE_SIZE;
const SORTS: readonly UserListSort[] = USER_LIST_SORTS;
const STATUSES: readonly UserListStatus[] = USER_LIST_STATUSES;

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
  const key: UserListFilters = {
    query: filters.query.trim(),
    status: filters.status,
    department: filters.department,
    sort: `${filters.sort}:${filters.dir}`,
    page: filters.page,
  };
  return userKeys.list(key);
}

export function userListQueryOptions(filters: UserFilters) {
  const query = { ...Object.fromEntries(userFiltersParams(filters)), sort: filters.sort, dir: filters.dir, size: String(USER_PAGE_SIZE) };
  return queryOptions({
    queryKey: userListKey(filters),
    // react-query aborts the signal when the filters move on, so a stale search stops downloading.
    queryFn: ({ signal }) => consoleFetch(userContracts.list, { query, signal }).then((body) => body.data),
  });
}

export function departmentsQueryOptions() {
  return queryOptions({
    queryKey: userKeys.departments(),
    queryFn: ({ signal }) => consoleFetch(userContracts.departments, { signal }).then((body) => body.data.departments),
    staleTime: 5 * 60_000,
  });
}

/** Looks pasted emails up; keyed by the list so that resolving the same list twice reuses the answer briefly. */
export function resolveEmailsQueryOptions(emails: string[]) {
  return queryOptions({
    queryKey: userKeys.resolve(emails),
    queryFn: ({ signal }) => consoleFetch(userContracts.resolve, { body: { emails }, signal }).then((body) => body.data),
    enabled: emails.length > 0,
    staleTime: 10_000,
  });
}
