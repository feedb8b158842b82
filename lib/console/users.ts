import type { Db } from "@/db/client";
import { listConsoleUsers, resolveUsersByEmails, type UserListParams } from "@/db/queries/console-users";
import { listDepartments } from "@/db/queries/user-departments";
import { normalizeEmail } from "@/lib/domain/email";

/** One page of the Users list; the query is an email or its beginning, compared by its key. */
export function consoleUserPage(db: Db, tenantId: string, filters: Omit<UserListParams, "tenantId" | "query"> & { query: string }) {
  return listConsoleUsers(db, { ...filters, tenantId, query: normalizeEmail(filters.query) });
}

/** Which pasted addresses are users of the tenant; each counted once, by its key. */
export function resolvePastedEmails(db: Db, tenantId: string, emails: readonly string[]) {
  return resolveUsersByEmails(
    db,
    tenantId,
    emails.map((typed) => ({ typed, key: normalizeEmail(typed) })),
  );
}

// ---- departments: a scan of the tenant, so cached per process for a minute --------------------

const DEPARTMENTS_TTL_MS = 60_000;
type CachedDepartments = { at: number; value: Promise<string[]> };
const globalForDepartments = globalThis as unknown as { rosterDepartments?: Map<string, CachedDepartments> };

/**
 * The tenant's departments from this process's cache. An entry older than a minute is still
 * answered while one refresh runs behind it, so only a tenant's very first request waits.
 */
export function cachedDepartments(db: Db, tenantId: string, now = Date.now()): Promise<string[]> {
  const cache = (globalForDepartments.rosterDepartments ??= new Map());
  const entry = cache.get(tenantId);
  if (entry && now - entry.at < DEPARTMENTS_TTL_MS) return entry.value;
  const refresh: CachedDepartments = { at: now, value: listDepartments(db, tenantId) };
  refresh.value.catch(() => cache.delete(tenantId));
  cache.set(tenantId, refresh);
  if (!entry) return refresh.value;
  // Serve the previous answer unless it failed; the refresh replaces it when done.
  return entry.value.catch(() => refresh.value);
}
