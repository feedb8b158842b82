"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { parseUserFilters, userFiltersParams, type UserFilters } from "@/lib/query/users";

/**
 * The Users page's filters, kept in the URL so that a reload, a shared link and back/forward all
 * show the same list. Updates use the History API, which Next.js syncs with useSearchParams
 * without a server round trip: "push" for a deliberate change (a filter, a page), "replace" for
 * typing, so that back does not step through every keystroke.
 */
export function useUserFilters(): [UserFilters, (patch: Partial<UserFilters>, mode?: "push" | "replace") => void] {
  const searchParams = useSearchParams();
  const filters = useMemo(() => parseUserFilters((name) => searchParams.get(name)), [searchParams]);
  const setFilters = useCallback((patch: Partial<UserFilters>, mode: "push" | "replace" = "push") => {
    // From the live URL rather than the last render: two quick updates must not undo each other.
    const current = new URLSearchParams(window.location.search);
    const next = { ...parseUserFilters((name) => current.get(name)), ...patch };
    const search = userFiltersParams(next).toString();
    const url = `${window.location.pathname}${search ? `?${search}` : ""}`;
    if (url === `${window.location.pathname}${window.location.search}`) return;
    if (mode === "push") window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  }, []);
  return [filters, setFilters];
}
