import type { Db } from "../client";
import type { Dialect } from "../driver/types";
import { USER_LIST_COUNT_CAP, type USER_LIST_SORTS, type USER_LIST_STATUSES } from "../constants";
import { checkedOnly, codePointOrder, inList, prepared } from "../prepared";
import type { EmailKey } from "../schema";
import { findUserIdsByEmails } from "./user-lookup";

/**
 * The console's Users page: one page of a tenant's users, searched by email prefix on the
 * (tenant_id, email_normalized) unique index, filtered by status and department, sorted.
 *
 * Raw SQL: on SQLite the search names its index (INDEXED BY makes a full scan an error instead of
 * a slow surprise), and the totals read bounded windows of rows. PostgreSQL has no INDEXED BY: its
 * plans are held by the explain tests; there, keys compare in code point order (collate "C", as
 * SQLite's BINARY) on the indexes of db/migrations-postgres/0001_search_and_counts.sql.
 *
 * A department is a range of its own index (tenant, department, email), in email order. Status has
 * no index: a page reads rows in index order until it is full, and a total or a non-indexed sort
 * reads at most MAX_ROWS_EXAMINED table rows. Past that, the total is an estimate and the sort
 * falls back to email order (the page says so). Measured on 1,000,000 users: see bench/console.ts.
 */

export type UserListSort = (typeof USER_LIST_SORTS)[number];
export type UserListStatus = (typeof USER_LIST_STATUSES)[number];
export type SortDirection = "asc" | "desc";

/** Counts the indexes answer stop here: beyond it a total reads "10,000+". Also the deepest row a page may start at. */
const COUNT_CAP = USER_LIST_COUNT_CAP;
/** Table rows read at most per request for what no index answers (a filtered total, a sort by name). */
export const MAX_ROWS_EXAMINED = 5_000;

export type UserListParams = {
  tenantId: string;
  /** An email address or its beginning, as an email key (normalizeEmail); matched as a prefix. */
  query?: EmailKey;
  status?: UserListStatus;
  department?: string;
  sort?: UserListSort;
  dir?: SortDirection;
  page?: number;
  size?: number;
};

export type ConsoleUserRow = {
  id: string;
  email: string;
  name: string;
  active: boolean;
  department: string;
  designation: string;
  createdAt: number;
};

/** "exact"; "atLeast": there are more than `total` (the cap); "estimate": extrapolated from a sample of the matches. */
export type TotalKind = "exact" | "atLeast" | "estimate";

export type UserListPage = {
  users: ConsoleUserRow[];
  total: number;
  totalKind: TotalKind;
  page: number;
  size: number;
  /** The order applied: a sort no index serves falls back to email order when too many users match. */
  sort: UserListSort;
  dir: SortDirection;
  sortFallback: boolean;
};

type Resolved = Required<Omit<UserListParams, "query">> & { prefix: string; dialect: Dialect };

function resolve(dialect: Dialect, params: UserListParams): Resolved {
  return {
    dialect,
    tenantId: params.tenantId,
    prefix: params.query ?? "",
    status: params.status ?? "all",
    department: params.department?.trim() ?? "",
    sort: params.sort ?? "email",
    dir: params.dir ?? "asc",
    page: Math.max(1, Math.floor(params.page ?? 1)),
    size: Math.min(100, Math.max(1, Math.floor(params.size ?? 50))),
  };
}

type Fragment = { sql: string; args: (string | number)[] };

const binary = (p: Resolved) => codePointOrder(p.dialect);

/**
 * The users a search can return, before their status: the tenant's users (of the department, if one
 * is asked for) whose normalized email starts with the prefix, in email order; or, without a prefix
 * or department, the tenant's users in creation order (`index` "createdAt").
 */
function candidates(p: Resolved, index: "email" | "createdAt" = "email"): Fragment {
  const name = p.department ? "users_department_tenant_email_idx" : index === "email" || p.prefix ? "users_tenant_email_unique" : "users_tenant_created_at_idx";
  const users = p.dialect === "sqlite" ? `users indexed by ${name}` : "users";
  // The index's expression, as its migration writes it (a label after ->> is the key on PostgreSQL and '$.label' on SQLite).
  const scope = p.department
    ? { sql: "tenant_id = ? and properties ->> 'department' = ?", args: [p.tenantId, p.department] }
    : { sql: "tenant_id = ?", args: [p.tenantId] };
  if (!p.prefix) return { sql: `from ${users} where ${scope.sql}`, args: scope.args };
  // Every string that starts with the prefix sorts between it and the prefix followed by the
  // highest code point: one range of the email index, for the rows and for their count.
  const key = `email_normalized${binary(p)}`;
  return { sql: `from ${users} where ${scope.sql} and ${key} >= ? and ${key} < ?`, args: [...scope.args, p.prefix, `${p.prefix}\u{10FFFF}`] };
}

/** The status, which no index serves; empty when it is not asked for. */
function filters(p: Resolved): Fragment {
  if (p.status === "all") return { sql: "", args: [] };
  return { sql: "active = ?", args: [p.status === "active" ? 1 : 0] };
}

/** How many users the index range holds, counting at most `cap` of them (covering index, no table reads). */
async function countCandidates(db: Db, p: Resolved, cap: number): Promise<number> {
  const from = candidates(p);
  return (await prepared<{ n: number }>(db, `select count(*) as n from (select 1 ${from.sql} limit ?) as c`).get(...from.args, cap))!.n;
}

// Full counts of large ranges (a million index entries take 40-100 ms), kept a minute: they only
// scale estimates ("about 7,000"), which a minute-old count does not change noticeably.
const RANGE_COUNT_TTL_MS = 60_000;
const rangeCounts = new Map<string, { at: number; n: number }>();

async function rangeCountForEstimate(db: Db, p: Resolved, cap: number, now = Date.now()): Promise<number> {
  const key = `${p.tenantId}\u0000${p.department}\u0000${p.prefix}`;
  const hit = rangeCounts.get(key);
  if (hit && now - hit.at < RANGE_COUNT_TTL_MS) return hit.n;
  const n = await countCandidates(db, p, cap);
  if (n < cap && n > COUNT_CAP) {
    if (rangeCounts.size >= 1_000) rangeCounts.clear();
    rangeCounts.set(key, { at: now, n });
  }
  return n;
}

// What SQLite's NOCASE folds (ASCII letters), PostgreSQL's lower() folds too (and more letters).
const ORDER_COLUMNS: Record<Dialect, Record<UserListSort, string>> = {
  sqlite: { email: "email_normalized", name: "name collate nocase", createdAt: "created_at" },
  postgres: { email: 'email_normalized collate "C"', name: 'lower(name) collate "C"', createdAt: "created_at" },
};

/** Whether the created_at index serves the order: a creation-date sort of the whole tenant. */
const createdAtIndexed = (p: Resolved, sort: UserListSort) => sort === "createdAt" && !p.prefix && !p.department;

/** The page's SELECT; exported so that tests can check its query plan. */
export function userListQuery(dialect: Dialect, params: UserListParams, sort: UserListSort = params.sort ?? "email"): Fragment {
  const p = resolve(dialect, params);
  const columns = ORDER_COLUMNS[dialect];
  // Without a search or a department, the created_at index gives that order directly; every other
  // order either walks an email-ordered index or sorts at most MAX_ROWS_EXAMINED candidates (see listConsoleUsers).
  const byCreation = createdAtIndexed(p, sort);
  const from = candidates(p, byCreation ? "createdAt" : "email");
  const where = filters(p);
  const dir = p.dir === "desc" ? "desc" : "asc";
  // Ties of the creation time: SQLite's rowid, PostgreSQL's id (users_tenant_created_at_id_idx).
  const tie = dialect === "sqlite" ? "rowid" : 'id collate "C"';
  const order =
    sort === "email" ? `${columns.email} ${dir}` : byCreation ? `created_at ${dir}, ${tie} ${dir}` : `${columns[sort]} ${dir}, ${columns.email} ${dir}`;
  return {
    sql:
      "select id, email, name, active, coalesce(properties ->> 'department', '') as department, " +
      `coalesce(properties ->> 'designation', '') as designation, created_at as "createdAt" ` +
      `${from.sql}${where.sql ? ` and ${where.sql}` : ""} order by ${order} limit ? offset ?`,
    args: [...from.args, ...where.args, p.size, (p.page - 1) * p.size],
  };
}

function roundEstimate(value: number): number {
  if (value < 100) return Math.round(value);
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.round(value / magnitude) * magnitude;
}

async function total(db: Db, p: Resolved, rowsOnPage: number): Promise<{ total: number; totalKind: TotalKind }> {
  const offset = (p.page - 1) * p.size;
  // A page that is not full is the last one: the total is exact and costs nothing more.
  if (rowsOnPage < p.size && (rowsOnPage > 0 || offset === 0)) return { total: offset + rowsOnPage, totalKind: "exact" };
  const where = filters(p);
  if (!where.sql) {
    const n = await countCandidates(db, p, COUNT_CAP + 1);
    return n > COUNT_CAP ? { total: COUNT_CAP, totalKind: "atLeast" } : { total: n, totalKind: "exact" };
  }
  // Filtered: read the first MAX_ROWS_EXAMINED candidates in index order and count the matches.
  const from = candidates(p);
  const sample = (await prepared<{ examined: number; matched: number }>(
    db,
    `select count(*) as examined, count(*) filter (where ${where.sql}) as matched ` +
      `from (select active, properties ${from.sql} order by email_normalized${binary(p)} limit ?) as sample`,
  ).get(...where.args, ...from.args, MAX_ROWS_EXAMINED))!;
  if (sample.examined < MAX_ROWS_EXAMINED) return { total: sample.matched, totalKind: "exact" };
  // More candidates than that: extrapolate the sample's share over the range, counted on the
  // covering index only as far as it takes to tell whether the estimate passes the cap.
  const share = sample.matched / sample.examined;
  const atLeast = offset + rowsOnPage;
  if (share === 0) return { total: atLeast, totalKind: "estimate" };
  const countCap = Math.ceil(COUNT_CAP / share) + 1;
  const estimate = share * (await rangeCountForEstimate(db, p, countCap));
  if (estimate >= COUNT_CAP) return { total: COUNT_CAP, totalKind: "atLeast" };
  return { total: Math.max(roundEstimate(estimate), atLeast), totalKind: "estimate" };
}

/** One page of the tenant's users, with the total shown beside it. */
export async function listConsoleUsers(db: Db, params: UserListParams): Promise<UserListPage> {
  const p = resolve(db.dialect, params);
  if ((p.page - 1) * p.size >= COUNT_CAP) throw new RangeError(`pages start at most ${COUNT_CAP} rows in`);
  let sort = p.sort;
  let sortFallback = false;
  const indexed = sort === "email" || createdAtIndexed(p, sort);
  if (!indexed && (await countCandidates(db, p, MAX_ROWS_EXAMINED + 1)) > MAX_ROWS_EXAMINED) {
    sort = "email";
    sortFallback = true;
  }
  const query = userListQuery(db.dialect, params, sort);
  const rows = await prepared<Omit<ConsoleUserRow, "active"> & { active: number }>(db, query.sql).all(...query.args);
  const users = rows.map((row) => ({ ...row, active: row.active === 1 }));
  return { users, ...(await total(db, p, users.length)), page: p.page, size: p.size, sort, dir: p.dir, sortFallback };
}

// ---- paste many emails -------------------------------------------------------------------------

export type ResolvedUser = { email: string; id: string; name: string; active: boolean };
export type ResolveResult = { found: ResolvedUser[]; notFound: string[] };

/** The found users' details, by their ids (the tenant only checked: see checkedOnly); exported so that tests can check its plan. */
export function resolvedUsersQuery(db: Db, tenantId: string, userIds: readonly string[]) {
  const list = inList(userIds);
  return {
    sql: `select id, email, name, active from users where ${checkedOnly(db.dialect, "tenant_id")} = ? and id in ${list.sql}`,
    args: [tenantId, ...list.values],
  };
}

/**
 * Which of the pasted addresses are users of the tenant. Each address counts once (by its key);
 * found users come back in the order pasted, unknown addresses as typed.
 */
export async function resolveUsersByEmails(db: Db, tenantId: string, emails: readonly { typed: string; key: EmailKey }[]): Promise<ResolveResult> {
  const typed = new Map<EmailKey, string>();
  for (const email of emails) {
    if (email.key && !typed.has(email.key)) typed.set(email.key, email.typed.trim());
  }
  const ids = await findUserIdsByEmails(db, tenantId, [...typed.keys()]);
  const details = new Map<string, { id: string; email: string; name: string; active: number }>();
  if (ids.size > 0) {
    const query = resolvedUsersQuery(db, tenantId, [...ids.values()]);
    const rows = await prepared<{ id: string; email: string; name: string; active: number }>(db, query.sql).all(...query.args);
    for (const row of rows) details.set(row.id, row);
  }
  const found: ResolvedUser[] = [];
  const notFound: string[] = [];
  for (const [key, asTyped] of typed) {
    const user = details.get(ids.get(key) ?? "");
    if (user) found.push({ email: user.email, id: user.id, name: user.name, active: user.active === 1 });
    else notFound.push(asTyped);
  }
  return { found, notFound };
}
