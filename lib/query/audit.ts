import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { consoleFetch } from "@/lib/console/fetch";
import { auditContracts, type auditEvent, type auditPage } from "@/lib/contracts/audit";
import { contractHref } from "@/lib/contracts/contract";
import { auditKeys, type AuditFilters } from "./keys";

export type AuditEventDto = z.infer<typeof auditEvent>;
export type AuditPageDto = z.infer<typeof auditPage>;

/** Rows per page in the console; the API accepts 1–100. */
export const AUDIT_PAGE_SIZE = 50;

/** The query string for the API (list and CSV export) of a set of filters; empty filters are left out. */
export function auditSearchParams(filters: AuditFilters, options: { page?: boolean } = {}): Record<string, string> {
  const params: Record<string, string> = {};
  for (const key of ["actor", "action", "target", "from", "to"] as const) if (filters[key]) params[key] = filters[key];
  if (options.page ?? true) {
    params.page = String(filters.page);
    params.size = String(AUDIT_PAGE_SIZE);
  }
  return params;
}

export function auditListQuery(filters: AuditFilters) {
  return queryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: async ({ signal }) => (await consoleFetch(auditContracts.list, { query: auditSearchParams(filters), signal })).data,
    // Keeps the current page on screen while the next one loads, instead of flashing "Loading".
    placeholderData: keepPreviousData,
  });
}

export function auditExportHref(filters: AuditFilters): string {
  return contractHref(auditContracts.exportCsv, undefined, auditSearchParams(filters, { page: false }));
}
