"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { auditListQuery } from "@/lib/query/audit";
import type { AuditFilters } from "@/lib/query/keys";
import { auditPageHref, filtersFromSearchParams } from "./audit-url";

/** The audit filters live in the URL: shareable, and the back button undoes a filter. */
export function useAuditFilters() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const filters = useMemo(() => filtersFromSearchParams(new URLSearchParams(searchParams.toString())), [searchParams]);
  const setFilters = useCallback((next: AuditFilters) => router.push(auditPageHref(next), { scroll: false }), [router]);
  return { filters, urlKey: searchParams.toString(), setFilters };
}

export function useAuditLog(filters: AuditFilters) {
  return useQuery(auditListQuery(filters));
}
