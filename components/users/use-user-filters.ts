"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { parseUserFilters, userFiltersParams, type UserFilters } from "@/lib/query/users";

/** The query string in the URL while Next.js's router still shows an older one. */
type AheadOfRouter = { routerSearch: string; search: string };

/**
 * The Users page's filters, kept in the URL so that a reload, a shared link and back/forward all
 * show the same list. Updates use the History API, which Next.js syncs with useSearchParams
 * without a server round trip: "push" for a deliberate change (a filter, a page), "replace" for
 * typing, so that back does not step through every keystroke.
 *
 * Next.js applies that sync, and back and forward, in a transition, and React holds transitions
 * back while one still waits: after back or forward across a reload, Next.js fetches the restored
 * page from the server, and until that fetch ended neither the back nor a filter changed meanwhile
 * showed. So the page shows the URL's filters at once, and follows useSearchParams again as soon
 * as that moves.
 */
export function useUserFilters(): [UserFilters, (patch: Partial<UserFilters>, mode?: "push" | "replace") => void] {
  const routerSearch = useSearchParams().toString();
  const [ahead, setAhead] = useState<AheadOfRouter | null>(null);
  if (ahead && ahead.routerSearch !== routerSearch) setAhead(null);
  const search = ahead?.routerSearch === routerSearch ? ahead.search : routerSearch;

  // Read through a ref, so that setFilters keeps its identity while the router moves (the search
  // box's debounce restarts whenever it changes).
  const routerSearchNow = useRef(routerSearch);
  useLayoutEffect(() => {
    routerSearchNow.current = routerSearch;
  }, [routerSearch]);
  const showUrl = useCallback(() => {
    const urlSearch = new URLSearchParams(window.location.search).toString();
    const base = routerSearchNow.current;
    setAhead(urlSearch === base ? null : { routerSearch: base, search: urlSearch });
  }, []);
  useEffect(() => {
    window.addEventListener("popstate", showUrl);
    return () => window.removeEventListener("popstate", showUrl);
  }, [showUrl]);

  const filters = useMemo(() => {
    const params = new URLSearchParams(search);
    return parseUserFilters((name) => params.get(name));
  }, [search]);
  const setFilters = useCallback(
    (patch: Partial<UserFilters>, mode: "push" | "replace" = "push") => {
      // From the live URL rather than the last render: two quick updates must not undo each other.
      const current = new URLSearchParams(window.location.search);
      const next = userFiltersParams({ ...parseUserFilters((name) => current.get(name)), ...patch }).toString();
      if (next === current.toString()) return;
      const url = `${window.location.pathname}${next ? `?${next}` : ""}`;
      if (mode === "push") window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
      showUrl();
    },
    [showUrl],
  );
  return [filters, setFilters];
}
