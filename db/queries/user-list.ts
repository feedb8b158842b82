import type { Db } from "../client";
import type { Dialect } from "../driver/types";
import { inList, prepared } from "../prepared";
import type { TextKey, User } from "../schema";
import { USER_COLUMNS, userFromRow, type UserRow } from "./user-directory";
import { MAX_LIST_DEPTH, MAX_QUERY_MATCHES, MIN_QUERY_CHARACTERS, USER_SORT_KEYS } from "./user-list-limits";

/**
 * OS1 ListUsers: one page of a tenant's users in one of five orders, optionally narrowed by a
 * substring of the email, name or unique code. Every statement is bounded on a million users
 * (docs/decisions/0013, measured by bench/os1-list.ts):
 *
 * - a page is read from an index in the asked order, rowid breaking ties (the index holds it),
 *   at most MAX_LIST_DEPTH rows deep; the total of an unfiltered list is the tenant's user
 *   count, which triggers keep;
 * - a query's candidates are the tenant's rows of the trigram index users_search that hold all
 *   the term's trigrams. More than MAX_QUERY_MATCHES of them is an answer of its own (the caller
 *   asks for a narrower query), told on the index alone; otherwise each is rechecked for the
 *   substring on the narrow copy of its keys the index keeps, which also holds the sort
 *   columns (the update time in its own narrow table, users_updated_at), so no wide users row
 *   is read before the page's own.
 *
 * PostgreSQL (db/migrations-postgres/0001_search_and_counts.sql) reads each order from a b-tree
 * index in code point order (collate "C"), the id breaking ties where SQLite's rowid does (the
 * update time from its narrow table users_updated_at, 0006_hot_user_updates.sql), and a
 * query's matches from a GIN trigram index over the tenant and the three keys: at most
 * MAX_QUERY_MATCHES + 1 of them are counted, so more than MAX_QUERY_MATCHES matches is
 * "tooBroad" there (candidates that hold the trigrams apart are rechecked on the way, not counted).
 */

export type UserSortKey = (typeof USER_SORT_KEYS)[number];

export { MAX_LIST_DEPTH, MAX_QUERY_MATCHES, MIN_QUERY_CHARACTERS, USER_SORT_KEYS };

// Each order, the SQLite index that serves it (its last, implicit column is the rowid), and the
// column of the same name in users_search; on PostgreSQL the ORDER BY its index serves, ties
// broken by id where the key is not unique (index users_tenant_<key>[_id|_c]_idx).
const ORDERS: Record<UserSortKey, { column: string; index: string; postgres: (dir: string) => string }> = {
  createdAt: { column: "created_at", index: "users_tenant_created_at_idx", postgres: (dir) => `created_at ${dir}, id collate "C" ${dir}` },
  updatedAt: { column: "updated_at", index: "users_tenant_updated_at_idx", postgres: (dir) => `updated_at ${dir}, id collate "C" ${dir}` },
  name: { column: "name_folded", index: "users_tenant_name_folded_idx", postgres: (dir) => `name_folded collate "C" ${dir}, id collate "C" ${dir}` },
  email: { column: "email_normalized", index: "users_tenant_email_unique", postgres: (dir) => `email_normalized collate "C" ${dir}` },
  uniqueCode: { column: "unique_code", index: "users_tenant_unique_code_unique", postgres: (dir) => `unique_code collate "C" ${dir}` },
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
  /**
   * More than MAX_QUERY_MATCHES of the tenant's users hold every trigram of the query: more than
   * that many match it, or too many to tell how many do without reading them all.
   */
  | { kind: "tooBroad" };

type Fragment = { sql: string; args: (string | number)[] };

/**
 * An FTS5 query for the rows holding every trigram of the term (anywhere) and, unless null, the
 * tenant's tag, each quoted.
 */
export function trigramQuery(tenantTag: string | null, term: TextKey): string {
  const chars = Array.from(term);
  const trigrams = new Set<string>(tenantTag === null ? [] : [tenantTag]);
  for (let i = 0; i + 3 <= chars.length; i++) trigrams.add(chars.slice(i, i + 3).join(""));
  return [...trigrams].map((trigram) => `"${trigram.replaceAll('"', '""')}"`).join(" AND ");
}

type Statements = {
  /** The rows a query may match, counted on the trigram index alone (at most MAX_QUERY_MATCHES + 1). */
  candidates?: Fragment;
  /** The page's rowids in order; with a query, each row also carries the total. */
  page: Fragment;
  count: Fragment;
};

/**
 * Who the candidates of a query are: a tenant's tag, and whether the tenant holds nearly every user
 * there is (DOMINANT_SHARE), so that other tenants' rows are too few to crowd its candidates.
 */
export type SearchScope = { tag: string; dominant: boolean };

/** The share of all users from which a tenant's queries leave its tag out of the index query. */
export const DOMINANT_SHARE = 0.9;

/** The statements a list runs before it reads the page's users; exported for plan tests and the benchmark. */
export function listStatements(dialect: Dialect, input: ListUsersInput, scope: SearchScope): Statements {
  if (dialect === "postgres") return postgresListStatements(input);
  const { column, index } = ORDERS[input.sortKey];
  const dir = input.sortDirection === "asc" ? "asc" : "desc";
  const order = `order by ${column} ${dir}, rowid ${dir} limit ? offset ?`;
  const window = [input.size, (input.page - 1) * input.size];
  const term = input.query;
  if (term === undefined) {
    return {
      count: { sql: "select user_count as total from tenants where id = ?", args: [input.tenantId] },
      page: { sql: `select rowid as r from users indexed by ${index} where tenant_id = ? ${order}`, args: [input.tenantId, ...window] },
    };
  }
  // The tag keeps other tenants' rows out of the candidates; it costs 10-15 ms on a million-user
  // tenant (FTS5 walks its doclist), so it is left out when other tenants' rows are few. The
  // recheck below keeps their rows out of the answer either way.
  const match = [trigramQuery(scope.dominant ? null : scope.tag, term), MAX_QUERY_MATCHES + 1];
  // detail=none keeps no positions, so a candidate may hold the trigrams apart (or another
  // tenant's tag inside a key): each is rechecked on the keys kept beside it.
  // The update time lives beside the index (a status change would otherwise rewrite the row's trigrams).
  const updatedAt = input.sortKey === "updatedAt" ? ", (select updated_at from users_updated_at where user_rowid = users_search.rowid) as updated_at" : "";
  const candidates =
    `(select rowid, tenant_tag, email_normalized, name_folded, unique_code_folded, created_at, unique_code${updatedAt} ` +
    "from users_search where users_search match ? limit ?)";
  const matches = "tenant_tag = ? and (instr(email_normalized, ?) > 0 or instr(name_folded, ?) > 0 or instr(unique_code_folded, ?) > 0)";
  const matchArgs = [scope.tag, term, term, term];
  return {
    candidates: { sql: "select count(*) as n from (select rowid from users_search where users_search match ? limit ?)", args: match },
    page: { sql: `select rowid as r, count(*) over () as total from ${candidates} where ${matches} ${order}`, args: [...match, ...matchArgs, ...window] },
    count: { sql: `select count(*) as total from ${candidates} where ${matches}`, args: [...match, ...matchArgs] },
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

// The update-time order's own table, under the users' column names (an index on users.updated_at
// would make every status change of a user write an entry in each of the users' indexes).
const UPDATE_TIMES = "(select user_id as id, tenant_id, updated_at from users_updated_at) as users";

function postgresListStatements(input: ListUsersInput): Statements {
  const dir = input.sortDirection === "asc" ? "asc" : "desc";
  const order = `order by ${ORDERS[input.sortKey].postgres(dir)} limit ? offset ?`;
  const window = [input.size, (input.page - 1) * input.size];
  if (input.query === undefined) {
    const source = input.sortKey === "updatedAt" ? UPDATE_TIMES : "users";
    return {
      count: { sql: "select user_count as total from tenants where id = ?", args: [input.tenantId] },
      page: { sql: `select id as r from ${source} where tenant_id = ? ${order}`, args: [input.tenantId, ...window] },
    };
  }
  const pattern = `%${escapeLike(input.query)}%`;
  const like = (column: string) => `${column} like ? escape '\\'`;
  // At most MAX_QUERY_MATCHES + 1 matches (so never more rows than the count allowed), read first:
  // left to itself the planner walks the sort index and filters, the whole tenant when matches are rare.
  const matches = {
    sql:
      "(select id, created_at, updated_at, name_folded, email_normalized, unique_code from users " +
      `where tenant_id = ? and (${like("email_normalized")} or ${like("name_folded")} or ${like("unique_code_folded")}) limit ?)`,
    args: [input.tenantId, pattern, pattern, pattern, MAX_QUERY_MATCHES + 1],
  };
  return {
    candidates: { sql: `select count(*) as n from ${matches.sql} as m`, args: matches.args },
    page: { sql: `with m as materialized ${matches.sql} select id as r, count(*) over () as total from m ${order}`, args: [...matches.args, ...window] },
    count: { sql: `select count(*) as total from ${matches.sql} as m`, args: matches.args },
  };
}

/** The tenant's search scope; undefined for no such tenant. */
export async function searchScope(db: Db, tenantId: string): Promise<SearchScope | undefined> {
  const row = await prepared<{ tag: string; dominant: 0 | 1 }>(
    db,
    "select search_tag as tag, user_count >= ? * (select sum(user_count) from tenants) as dominant from tenants where id = ?",
  ).get(DOMINANT_SHARE, tenantId);
  return row && { tag: row.tag, dominant: row.dominant === 1 };
}

/** One page of a tenant's users, or why a query cannot be answered with one. */
export async function listUsers(db: Db, input: ListUsersInput): Promise<ListUsersResult> {
  if (input.page * input.size > MAX_LIST_DEPTH) throw new RangeError(`a page reaches at most ${MAX_LIST_DEPTH} rows deep`);
  if (input.query !== undefined && Array.from(input.query).length < MIN_QUERY_CHARACTERS) {
    throw new RangeError(`a query has at least ${MIN_QUERY_CHARACTERS} characters`);
  }
  const scope = await searchScope(db, input.tenantId);
  if (!scope) return { kind: "page", total: 0, users: [] };
  const { candidates, page, count } = listStatements(db.dialect, input, scope);
  const total = async () => (await prepared<{ total: number }>(db, count.sql).get(...count.args))!.total;
  if (!candidates) {
    const n = await total();
    if (n <= (input.page - 1) * input.size) return { kind: "page", total: n, users: [] };
    const keys = (await prepared<{ r: RowKey }>(db, page.sql).all(...page.args)).map((row) => row.r);
    return { kind: "page", total: n, users: await usersByKey(db, keys) };
  }
  if ((await prepared<{ n: number }>(db, candidates.sql).get(...candidates.args))!.n > MAX_QUERY_MATCHES) return { kind: "tooBroad" };
  const rows = await prepared<{ r: RowKey; total: number }>(db, page.sql).all(...page.args);
  // A page past the last match has no row to carry the total: count it then.
  const n = rows[0]?.total ?? (input.page === 1 ? 0 : await total());
  return {
    kind: "page",
    total: n,
    users: await usersByKey(
      db,
      rows.map((row) => row.r),
    ),
  };
}

/** What a page statement reads for each user: the rowid on SQLite, the id on PostgreSQL. */
type RowKey = number | string;
const KEY_COLUMN = { sqlite: "rowid", postgres: "id" } as const;

/** The users with these keys, in that order, with how many identities each has. */
async function usersByKey(db: Db, keys: RowKey[]): Promise<ListedUser[]> {
  if (keys.length === 0) return [];
  const list = inList(keys);
  const rows = await prepared<UserRow & { identitiesCount: number; listKey: RowKey }>(
    db,
    `select ${USER_COLUMNS}, (select count(*) from identities where identities.user_id = users.id) as "identitiesCount", ` +
      `users.${KEY_COLUMN[db.dialect]} as "listKey" from users where users.${KEY_COLUMN[db.dialect]} in ${list.sql}`,
  ).all(...list.values);
  const byKey = new Map(rows.map(({ identitiesCount, listKey, ...row }) => [listKey, { ...userFromRow(row), identitiesCount }]));
  return keys.map((key) => byKey.get(key)!);
}
