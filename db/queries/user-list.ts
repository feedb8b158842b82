import { inArray, sql } from "drizzle-orm";
import type Database from "better-sqlite3";
import type { Db } from "../client";
import { users, type TextKey, type User } from "../schema";

/**
 * OS1 ListUsers: one page of a tenant's users in one of five orders, optionally narrowed by a
 * substring of the email, name or unique code. Every statement is bounded on a million users
 * (docs/decisions/0010, measured by bench/os1-list.ts):
 *
 * - a page is read from an index in the asked order, rowid breaking ties (the index holds it),
 *   at most MAX_LIST_DEPTH rows deep; the total of an unfiltered list is the tenant's user
 *   count, which triggers keep;
 * - a query's candidates come from a trigram index (users_search) and are rechecked against the
 *   stored keys; at most MAX_CANDIDATES are read, and more than MAX_LIST_DEPTH matches is an
 *   answer of its own (the caller asks for a narrower query). A tenant small enough is scanned
 *   instead, so other tenants' users never crowd its candidates out.
 */

export const USER_SORT_KEYS = ["createdAt", "updatedAt", "name", "email", "uniqueCode"] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

/** The deepest row a page may reach (page × size), and the most matches a query may have. */
export const MAX_LIST_DEPTH = 10_000;
/** A query is matched by its trigrams, so it needs three characters (after folding). */
export const MIN_QUERY_CHARACTERS = 3;
/** Candidate rows a query reads at most; a tenant with at most this many users is scanned instead. */
export const MAX_CANDIDATES = 20_000;

// Each order and the index that serves it; its last, implicit column is the rowid.
const ORDERS: Record<UserSortKey, { column: string; index: string }> = {
  createdAt: { column: "created_at", index: "users_tenant_created_at_idx" },
  updatedAt: { column: "updated_at", index: "users_tenant_updated_at_idx" },
  name: { column: "name_folded", index: "users_tenant_name_folded_idx" },
  email: { column: "email_normalized", index: "users_tenant_email_unique" },
  uniqueCode: { column: "unique_code", index: "users_tenant_unique_code_unique" },
};

export type ListUsersInput = {
  tenantId: string;
  page: number;
  size: number;
  /** foldText of the search text; absent for the whole list. */
  query?: TextKey;
  sortKey: UserSortKey;
  sortDirection: "asc" | "desc";
};

export type ListedUser = User & { identitiesCount: number };

export type ListUsersResult =
  | { kind: "page"; total: number; users: ListedUser[] }
  /** More than MAX_LIST_DEPTH users match. */
  | { kind: "tooManyMatches" }
  /** More than MAX_CANDIDATES users share the query's trigrams: too many to tell how many match. */
  | { kind: "tooCommon" };

type Statement = Database.Statement<unknown[], unknown>;
const statements = new WeakMap<Database.Database, Map<string, Statement>>();

function prepared(db: Db, text: string): Statement {
  let cache = statements.get(db.$client);
  if (!cache) statements.set(db.$client, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) cache.set(text, (statement = db.$client.prepare(text)));
  return statement;
}

type Fragment = { sql: string; args: unknown[] };

const RECHECK = "(instr(u.email_normalized, ?) > 0 or instr(u.name_folded, ?) > 0 or instr(u.unique_code_folded, ?) > 0)";

/** An FTS5 query for the rows holding every trigram of the term, each trigram quoted as a string. */
export function trigramQuery(term: TextKey): string {
  const chars = Array.from(term);
  const trigrams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) trigrams.add(chars.slice(i, i + 3).join(""));
  return [...trigrams].map((trigram) => `"${trigram.replaceAll('"', '""')}"`).join(" AND ");
}

/**
 * The rows (as `u`) that may match: a small tenant's users, or the users holding the term's
 * trigrams (at most MAX_CANDIDATES + 1 of them, so that a full window shows there are more).
 * The join order is forced: the planner would otherwise walk the whole tenant.
 */
function candidates(tenantId: string, term: TextKey, scanTenant: boolean): Fragment {
  if (scanTenant) return { sql: "from users u indexed by users_tenant_created_at_idx where u.tenant_id = ?", args: [tenantId] };
  return {
    sql: "from (select rowid as r from users_search where users_search match ? limit ?) c cross join users u on u.rowid = c.r where 1",
    args: [trigramQuery(term), MAX_CANDIDATES + 1],
  };
}

/** The statements a list runs before it reads the page's rows; exported for plan tests and the benchmark. */
export function listStatements(input: ListUsersInput, scanTenant = false): { count: Fragment; page: Fragment } {
  const { column, index } = ORDERS[input.sortKey];
  const dir = input.sortDirection === "asc" ? "asc" : "desc";
  const window = [input.size, (input.page - 1) * input.size];
  if (input.query === undefined) {
    return {
      count: { sql: "select user_count as total from tenants where id = ?", args: [input.tenantId] },
      page: {
        sql: `select rowid as r from users indexed by ${index} where tenant_id = ? order by ${column} ${dir}, rowid ${dir} limit ? offset ?`,
        args: [input.tenantId, ...window],
      },
    };
  }
  const from = candidates(input.tenantId, input.query, scanTenant);
  const recheck = [input.query, input.query, input.query];
  return {
    // All candidates are read (at most MAX_CANDIDATES + 1), so that both counts are exact.
    count: {
      sql: `select count(*) as candidates, coalesce(sum(u.tenant_id = ? and ${RECHECK}), 0) as total ${from.sql}`,
      args: [input.tenantId, ...recheck, ...from.args],
    },
    // At most MAX_LIST_DEPTH matches are sorted: the count has said so before this runs.
    page: {
      sql: `select u.rowid as r ${from.sql} and u.tenant_id = ? and ${RECHECK} order by u.${column} ${dir}, u.rowid ${dir} limit ? offset ?`,
      args: [...from.args, input.tenantId, ...recheck, ...window],
    },
  };
}

function tenantUserCount(db: Db, tenantId: string): number {
  return (prepared(db, "select user_count as n from tenants where id = ?").get(tenantId) as { n: number } | undefined)?.n ?? 0;
}

/** One page of a tenant's users, or why a query cannot be answered with one. */
export function listUsers(db: Db, input: ListUsersInput): ListUsersResult {
  if (input.page * input.size > MAX_LIST_DEPTH) throw new RangeError(`a page reaches at most ${MAX_LIST_DEPTH} rows deep`);
  if (input.query !== undefined && Array.from(input.query).length < MIN_QUERY_CHARACTERS) {
    throw new RangeError(`a query has at least ${MIN_QUERY_CHARACTERS} characters`);
  }
  const scanTenant = input.query !== undefined && tenantUserCount(db, input.tenantId) <= MAX_CANDIDATES;
  const { count, page } = listStatements(input, scanTenant);
  const counted = prepared(db, count.sql).get(...count.args) as { total: number; candidates?: number } | undefined;
  const total = counted?.total ?? 0;
  if (input.query !== undefined && total > MAX_LIST_DEPTH) return { kind: "tooManyMatches" };
  if ((counted?.candidates ?? 0) > MAX_CANDIDATES) return { kind: "tooCommon" };
  const offset = (input.page - 1) * input.size;
  if (total <= offset) return { kind: "page", total, users: [] };
  const rowids = (prepared(db, page.sql).all(...page.args) as { r: number }[]).map((row) => row.r);
  return { kind: "page", total, users: usersByRowid(db, rowids) };
}

/** The users with these rowids, in that order, with how many identities each has. */
function usersByRowid(db: Db, rowids: number[]): ListedUser[] {
  if (rowids.length === 0) return [];
  const rows = db
    .select({
      user: users,
      rowid: sql<number>`"users"."rowid"`,
      // Written out: inside a subquery drizzle would not qualify the outer column.
      identitiesCount: sql<number>`(select count(*) from identities where identities.user_id = "users"."id")`,
    })
    .from(users)
    .where(inArray(sql`"users"."rowid"`, rowids))
    .all();
  const byRowid = new Map(rows.map((row) => [row.rowid, { ...row.user, identitiesCount: row.identitiesCount }]));
  return rowids.map((rowid) => byRowid.get(rowid)!);
}
