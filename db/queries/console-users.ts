import type { Db } from "../client";
import { USER_LIST_COUNT_CAP, type USER_LIST_SORTS, type USER_LIST_STATUSES } from "../constants";
import { inList, prepared } from "../prepared";
import type { EmailKey } from "../schema";
import { findUserIdsByEmails } from "./user-lookup";

/**
 * The console's Users page: one page of a tenant's users, searched by email prefix on the
 * (tenant_id, email_normalized) unique index, filtered by status and department, sorted.
 *
 * Raw SQL rather than the query builder: the search must name its index (INDEXED BY makes a
 * full scan an error instead of a slow surprise) and the totals read bounded windows of rows.
 *
 * Status and department have no index, so whatever they cost is bounded: a page reads rows in
 * index order only until it is full, and a total or a non-indexed sort reads at most
 * MAX_ROWS_EXAMINED table rows. Past that, the total is an estimate and the sort falls back to
 * email order (the page says so). Measured on 1,000,000 users: see bench/console.ts.
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

type Resolved = Required<Omit<UserListParams, "query">> & { prefix: string };

function resolve(params: UserListParams): Resolved {
  return {
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

type Fragment = { sql: string; args: unknown[] };

/**
 * The users a search can return, before status and department: the tenant's users whose
 * normalized email starts with the prefix. `index` names the index that walks them.
 */
function candidates(p: Resolved, index: "email" | "createdAt" = "email"): Fragment {
  const name = index === "email" ? "users_tenant_email_unique" : "users_tenant_created_at_idx";
  if (!p.prefix) return { sql: `from users indexed by ${name} where tenant_id = ?`, args: [p.tenantId] };
  // Every string that starts with the prefix sorts between it and the prefix followed by the
  // highest code point: one range of the unique index, for the rows and for their count.
  return {
    sql: "from users indexed by users_tenant_email_unique where tenant_id = ? and email_normalized >= ? and email_normalized < ? || char(1114111)",
    args: [p.tenantId, p.prefix, p.prefix],
  };
}

/** Status and department, which no index serves; empty when neither is asked for. */
function filters(p: Resolved): Fragment {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (p.status !== "all") {
    parts.push("active = ?");
    args.push(p.status === "active" ? 1 : 0);
  }
  if (p.department) {
    parts.push("json_extract(properties, '$.department') = ?");
    args.push(p.department);
  }
  return { sql: parts.join(" and "), args };
}

/** How many users the index range holds, counting at most `cap` of them (covering index, no table reads). */
function countCandidates(db: Db, p: Resolved, cap: number): number {
  const from = candidates(p);
  return (prepared(db, `select count(*) as n from (select 1 ${from.sql} limit ?)`).get(...from.args, cap) as { n: number }).n;
}

// Full counts of large ranges (a million index entries take 40-100 ms), kept a minute: they only
// scale estimates ("about 7,000"), which a minute-old count does not change noticeably.
const RANGE_COUNT_TTL_MS = 60_000;
const rangeCounts = new Map<string, { at: number; n: number }>();

function rangeCountForEstimate(db: Db, p: Resolved, cap: number, now = Date.now()): number {
  const key = `${p.tenantId}\u0000${p.prefix}`;
  const hit = rangeCounts.get(key);
  if (hit && now - hit.at < RANGE_COUNT_TTL_MS) return hit.n;
  const n = countCandidates(db, p, cap);
  if (n < cap && n > COUNT_CAP) {
    if (rangeCounts.size >= 1_000) rangeCounts.clear();
    rangeCounts.set(key, { at: now, n });
  }
  return n;
}

const ORDER_COLUMNS: Record<UserListSort, string> = { email: "email_normalized", name: "name collate nocase", createdAt: "created_at" };

/** The page's SELECT; exported so that tests can check its query plan. */
export function userListQuery(params: UserListParams, sort: UserListSort = params.sort ?? "email"): Fragment {
  const p = resolve(params);
  // Without a search, the created_at index gives that order directly; every other order either
  // walks the email index or sorts at most MAX_ROWS_EXAMINED candidates (see listConsoleUsers).
  const from = candidates(p, sort === "createdAt" && !p.prefix ? "createdAt" : "email");
  const where = filters(p);
  const dir = p.dir === "desc" ? "desc" : "asc";
  const order =
    sort === "email"
      ? `email_normalized ${dir}`
      : sort === "createdAt" && !p.prefix
        ? `created_at ${dir}, rowid ${dir}`
        : `${ORDER_COLUMNS[sort]} ${dir}, email_normalized ${dir}`;
  return {
    sql:
      "select id, email, name, active, coalesce(json_extract(properties, '$.department'), '') as department, " +
      "coalesce(json_extract(properties, '$.designation'), '') as designation, created_at as createdAt " +
      `${from.sql}${where.sql ? ` and ${where.sql}` : ""} order by ${order} limit ? offset ?`,
    args: [...from.args, ...where.args, p.size, (p.page - 1) * p.size],
  };
}

function roundEstimate(value: number): number {
  if (value < 100) return Math.round(value);
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.round(value / magnitude) * magnitude;
}

function total(db: Db, p: Resolved, rowsOnPage: number): { total: number; totalKind: TotalKind } {
  const offset = (p.page - 1) * p.size;
  // A page that is not full is the last one: the total is exact and costs nothing more.
  if (rowsOnPage < p.size && (rowsOnPage > 0 || offset === 0)) return { total: offset + rowsOnPage, totalKind: "exact" };
  const where = filters(p);
  if (!where.sql) {
    const n = countCandidates(db, p, COUNT_CAP + 1);
    return n > COUNT_CAP ? { total: COUNT_CAP, totalKind: "atLeast" } : { total: n, totalKind: "exact" };
  }
  // Filtered: read the first MAX_ROWS_EXAMINED candidates in index order and count the matches.
  const from = candidates(p);
  const sample = prepared(
    db,
    `select count(*) as examined, coalesce(sum(${where.sql}), 0) as matched from (select active, properties ${from.sql} order by email_normalized limit ?)`,
  ).get(...where.args, ...from.args, MAX_ROWS_EXAMINED) as { examined: number; matched: number };
  if (sample.examined < MAX_ROWS_EXAMINED) return { total: sample.matched, totalKind: "exact" };
  // More candidates than that: extrapolate the sample's share over the range, counted on the
  // covering index only as far as it takes to tell whether the estimate passes the cap.
  const share = sample.matched / sample.examined;
  const atLeast = offset + rowsOnPage;
  if (share === 0) return { total: atLeast, totalKind: "estimate" };
  const countCap = Math.ceil(COUNT_CAP / share) + 1;
  const estimate = share * rangeCountForEstimate(db, p, countCap);
  if (estimate >= COUNT_CAP) return { total: COUNT_CAP, totalKind: "atLeast" };
  return { total: Math.max(roundEstimate(estimate), atLeast), totalKind: "estimate" };
}

/** One page of the tenant's users, with the total shown beside it. */
export function listConsoleUsers(db: Db, params: UserListParams): UserListPage {
  const p = resolve(params);
  if ((p.page - 1) * p.size >= COUNT_CAP) throw new RangeError(`pages start at most ${COUNT_CAP} rows in`);
  let sort = p.sort;
  let sortFallback = false;
  const indexed = sort === "email" || (sort === "createdAt" && !p.prefix);
  if (!indexed && countCandidates(db, p, MAX_ROWS_EXAMINED + 1) > MAX_ROWS_EXAMINED) {
    sort = "email";
    sortFallback = true;
  }
  const query = userListQuery(params, sort);
  const rows = prepared(db, query.sql).all(...query.args) as (Omit<ConsoleUserRow, "active"> & { active: number })[];
  const users = rows.map((row) => ({ ...row, active: row.active === 1 }));
  return { users, ...total(db, p, users.length), page: p.page, size: p.size, sort, dir: p.dir, sortFallback };
}

// ---- departments -------------------------------------------------------------------------------

/** Tenants with at most this many users are read through their index in one statement. */
const SMALL_TENANT = 10_000;
const CHUNK_ROWS = 50_000;

/**
 * The distinct departments of a tenant, sorted. No index covers them, so a large tenant is read
 * in rowid order (sequential pages) in chunks, yielding to the event loop between chunks: the
 * server keeps answering while a million rows are read. Callers should cache the answer.
 */
export async function listDepartments(db: Db, tenantId: string): Promise<string[]> {
  const found = new Set<string>();
  const small = (prepared(db, "select count(*) as n from (select 1 from users where tenant_id = ? limit ?)").get(tenantId, SMALL_TENANT + 1) as { n: number })
    .n;
  if (small <= SMALL_TENANT) {
    for (const row of prepared(db, "select distinct properties ->> '$.department' as d from users where tenant_id = ?").all(tenantId) as { d: unknown }[]) {
      if (typeof row.d === "string" && row.d.trim()) found.add(row.d);
    }
  } else {
    const maxRowid = (prepared(db, "select coalesce(max(rowid), 0) as m from users").get() as { m: number }).m;
    // `+tenant_id` keeps the planner on the rowid range instead of the tenant index (7 s instead of 1.4 s at 1M).
    const chunk = prepared(db, "select distinct properties ->> '$.department' as d from users where rowid > ? and rowid <= ? and +tenant_id = ?");
    for (let from = 0; from < maxRowid; from += CHUNK_ROWS) {
      for (const row of chunk.all(from, from + CHUNK_ROWS, tenantId) as { d: unknown }[]) {
        if (typeof row.d === "string" && row.d.trim()) found.add(row.d);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return [...found].sort((a, b) => a.localeCompare(b, "en"));
}

// ---- paste many emails -------------------------------------------------------------------------

export type ResolvedUser = { email: string; id: string; name: string; active: boolean };
export type ResolveResult = { found: ResolvedUser[]; notFound: string[] };

/**
 * Which of the pasted addresses are users of the tenant. Each address counts once (by its key);
 * found users come back in the order pasted, unknown addresses as typed.
 */
export function resolveUsersByEmails(db: Db, tenantId: string, emails: readonly { typed: string; key: EmailKey }[]): ResolveResult {
  const typed = new Map<EmailKey, string>();
  for (const email of emails) {
    if (email.key && !typed.has(email.key)) typed.set(email.key, email.typed.trim());
  }
  const ids = findUserIdsByEmails(db, tenantId, [...typed.keys()]);
  const details = new Map<string, { id: string; email: string; name: string; active: number }>();
  if (ids.size > 0) {
    const list = inList([...ids.values()]);
    const rows = prepared<{ id: string; email: string; name: string; active: number }>(
      db,
      `select id, email, name, active from users where tenant_id = ? and id in ${list.sql}`,
    ).all(tenantId, ...list.values);
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
