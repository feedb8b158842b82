import { z } from "zod";
import type { Db } from "@/db/client";
import { COUNT_CAP, listConsoleUsers, listDepartments, resolveUsersByEmails, USER_LIST_SORTS, USER_LIST_STATUSES, type UserListParams } from "@/db/queries/console-users";
import { normalizeEmail } from "@/lib/domain/email";
import { jitsudo } from "@/lib/api/dialects/jitsudo";
import { ApiError } from "@/lib/api/errors";
import { apiRoute, methodNotAllowed } from "@/lib/api/route";

export const MAX_RESOLVE_EMAILS = 1_000;
export const MAX_PAGE_SIZE = 100;

export const userListQuery = z
  .object({
    query: z.string().trim().max(320, "query is at most 320 characters").default(""),
    status: z.enum(USER_LIST_STATUSES, { error: `status must be one of ${USER_LIST_STATUSES.join(", ")}` }).default("all"),
    department: z.string().trim().max(200, "department is at most 200 characters").default(""),
    sort: z.enum(USER_LIST_SORTS, { error: `sort must be one of ${USER_LIST_SORTS.join(", ")}` }).default("email"),
    dir: z.enum(["asc", "desc"], { error: "dir must be asc or desc" }).default("asc"),
    page: z.coerce.number({ error: "page must be a number" }).int("page must be a whole number").min(1, "page starts at 1").default(1),
    size: z.coerce.number({ error: "size must be a number" }).int("size must be a whole number").min(1, "size is at least 1").max(MAX_PAGE_SIZE, `size is at most ${MAX_PAGE_SIZE}`).default(50),
  })
  .refine((q) => (q.page - 1) * q.size < COUNT_CAP, {
    path: ["page"],
    message: `pages go ${COUNT_CAP.toLocaleString("en-US")} users deep at most; narrow the search`,
  });

export const resolveEmailsRequest = z.object({
  emails: z.array(z.string({ error: "emails must be strings" }).max(320, "an email is at most 320 characters"), { error: "emails must be an array of strings" }),
});

// GET /api/console/users — one page of the tenant's users: email prefix search, status and department filters, sort
export const listUsersRoute = apiRoute({ dialect: jitsudo, auth: "session", action: "readUsers", query: userListQuery }, ({ db, principal, query }) => ({
  status: 200,
  data: { data: consoleUserPage(db, principal.tenantId, query) },
}));

/** One page of the Users list; the query is an email or its beginning, compared by its key. */
export function consoleUserPage(db: Db, tenantId: string, filters: Omit<UserListParams, "tenantId" | "query"> & { query: string }) {
  return listConsoleUsers(db, { ...filters, tenantId, query: normalizeEmail(filters.query) });
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

// GET /api/console/users/departments — the tenant's distinct departments, for the filter
export const listDepartmentsRoute = apiRoute({ dialect: jitsudo, auth: "session", action: "readUsers" }, async ({ db, principal }) => ({
  status: 200,
  data: { data: { departments: await cachedDepartments(db, principal.tenantId) } },
}));

// POST /api/console/users/resolve — which of up to 1,000 pasted emails are users of the tenant
export const resolveEmailsRoute = apiRoute({ dialect: jitsudo, auth: "session", action: "readUsers", body: resolveEmailsRequest }, ({ db, principal, body }) => {
  // Checked here rather than in the schema so that the message says what to do.
  if (body.emails.length > MAX_RESOLVE_EMAILS) {
    throw new ApiError(
      "invalid_input",
      `Too many emails: at most ${MAX_RESOLVE_EMAILS.toLocaleString("en-US")} at a time, and this list has ${body.emails.length.toLocaleString("en-US")}. Split it and resolve each part.`,
      { details: { emails: `at most ${MAX_RESOLVE_EMAILS.toLocaleString("en-US")} addresses per request` } },
    );
  }
  const pasted = body.emails.map((typed) => ({ typed, key: normalizeEmail(typed) }));
  return { status: 200, data: { data: resolveUsersByEmails(db, principal.tenantId, pasted) } };
});

export const usersReadOnly = methodNotAllowed(jitsudo, ["GET"]);
export const resolvePostOnly = methodNotAllowed(jitsudo, ["POST"]);
