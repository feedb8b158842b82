import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { consoleFetch } from "@/lib/console/fetch";
import { auditKeys, type AuditFilters } from "./keys";

export type AuditEventDto = {
  id: string;
  /** ISO time of the event. */
  at: string;
  actorType: "admin" | "token" | "system";
  actorName: string | null;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  requestId: string | null;
  details: Record<string, unknown> | null;
};

export type AuditPageDto = { events: AuditEventDto[]; total: number; page: number; size: number };

/** Rows per page in the console; the API accepts 1–100. */
export const AUDIT_PAGE_SIZE = 50;

/** The query string for the API (list and CSV export) of a set of filters; empty filters are left out. */
export function auditSearchParams(filters: AuditFilters, options: { page?: boolean } = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "target", "from", "to"] as const) if (filters[key]) params.set(key, filters[key]);
  if (options.page ?? true) {
    params.set("page", String(filters.page));
    params.set("size", String(AUDIT_PAGE_SIZE));
  }
  return params;
}

export function auditListQuery(filters: AuditFilters) {
  return queryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: async ({ signal }) => (await consoleFetch<{ data: AuditPageDto }>(`/api/console/audit?${auditSearchParams(filters)}`, { signal })).data,
    // Keeps the current page on screen while the next one loads, instead of flashing "Loading".
    placeholderData: keepPreviousData,
  });
}

export function auditExportHref(filters: AuditFilters): string {
  const query = auditSearchParams(filters, { page: false }).toString();
  return `/api/console/audit/export${query ? `?${query}` : ""}`;
}
