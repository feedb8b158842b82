import type { AuditFilters } from "@/lib/query/keys";

export const EMPTY_AUDIT_FILTERS: AuditFilters = { actor: "", action: "", target: "", from: "", to: "", page: 1 };
const TEXT_KEYS = ["actor", "action", "target", "from", "to"] as const;

/** The filters of the audit page's URL (`/audit?actor=…&page=2`); missing or odd values fall back to "no filter". */
export function filtersFromSearchParams(params: URLSearchParams): AuditFilters {
  const filters = { ...EMPTY_AUDIT_FILTERS };
  for (const key of TEXT_KEYS) filters[key] = params.get(key)?.trim() ?? "";
  const page = Number(params.get("page"));
  filters.page = Number.isInteger(page) && page >= 1 ? page : 1;
  return filters;
}

export function hasFilters(filters: AuditFilters): boolean {
  return TEXT_KEYS.some((key) => filters[key] !== "");
}

/** The page's own URL for a set of filters; page 1 is left out. */
export function auditPageHref(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const key of TEXT_KEYS) if (filters[key]) params.set(key, filters[key]);
  if (filters.page > 1) params.set("page", String(filters.page));
  const query = params.toString();
  return query ? `/audit?${query}` : "/audit";
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO time from the URL as a `datetime-local` value in the browser's zone ("" when unreadable). */
export function isoToLocalInput(iso: string): string {
  if (!iso) return "";
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * A `datetime-local` value (the browser's zone) as UTC to the minute, e.g. "2025-01-31T08:30Z":
 * unambiguous in a shared link, and the API reads a "to" given to the minute as the whole minute.
 */
export function localInputToIso(local: string): string {
  if (!local) return "";
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? "" : `${date.toISOString().slice(0, 16)}Z`;
}
