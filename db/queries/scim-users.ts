import type { Db } from "../client";
import type { Dialect } from "../driver/types";
import { codePointOrder, prepared } from "../prepared";
import {
  candidatesOf,
  conditionReadsUsers,
  filterSql,
  orderSql,
  orderTerms,
  sortReadsUsers,
  sqliteIdentitiesIndex,
  type OrderTerm,
  type SqlFragment,
} from "./scim-user-filter";
import {
  findIdentity,
  IDENTITY_COLUMNS,
  OF_PROVIDER,
  orderColumns,
  recordOf,
  recordsOfPage,
  type IdentityPage,
  type ScimListQuery,
  type ScimScope,
  type ScimUserRecord,
} from "./scim-user-records";

// The SCIM service provider's users (docs/decisions/0017): what lib/scim reads and writes through.
// A provider sees the users it is linked to by an identity; nothing here knows SCIM's syntax.

export type { ScimComparison, ScimCondition, ScimConflict, ScimField, ScimListQuery, ScimScope, ScimUserRecord, ScimUserWrite } from "./scim-user-records";
export { createScimUser, detachScimUser, setScimUserActive, updateScimUser, updateScimUserStatus } from "./scim-user-write";
export { INDEXED_LOOKUP_FIELDS } from "./scim-user-filter";

// An unfiltered list's total, and how many of its identities have a userName key: kept by the
// identities' triggers (migration 0018_scim_list_total). Counted, it read every identity of the
// provider: 0.4 s a page for a million on SQLite.
const providerCounts = (scope: ScimScope): SqlFragment => ({
  sql: "select attached_identities as total, keyed_identities as keyed from identity_providers where id = ? and tenant_id = ?",
  args: [scope.providerId, scope.tenantId],
});

/**
 * The page of an unfiltered list whose identities all have a userName key (a provider that only SCIM
 * linked users to), in the key's order as the general page: the keys come from their covering
 * index, which a deep startIndex steps through without reading a row (0.15 s to the 990,000th on
 * SQLite, against 1.35 s over the rows), then each identity by its key.
 */
function keyedPage(dialect: Dialect, scope: ScimScope, query: ScimListQuery): IdentityPage {
  const key = `username_key${codePointOrder(dialect)}`;
  const order: OrderTerm[] = [{ key: `page.${key}`, direction: "" }];
  const index = dialect === "sqlite" ? " indexed by identities_provider_username_cover_idx" : "";
  const keys =
    `select username_key from identities${index} where identity_provider_id = ? and username_key is not null and tenant_id = ? ` +
    `and user_id is not null order by ${key} limit ? offset ?`;
  if (dialect === "sqlite") {
    const byKey: OrderTerm[] = [{ key: `i.${key}`, direction: "" }];
    return {
      sql: `select ${IDENTITY_COLUMNS}${orderColumns(byKey)} from identities i where i.identity_provider_id = ? and i.${key} in (${keys}) ${orderSql(byKey)}`,
      args: [scope.providerId, scope.providerId, scope.tenantId, query.limit, query.offset],
      order: byKey,
    };
  }
  // PostgreSQL reads the keys once, then each identity by its key, whatever its statistics say: as an
  // IN, statistics from before a provider's bulk import planned a semi join that ran the keys'
  // OFFSET again for every identity of the provider (minutes for 50,000). The lateral subquery is
  // not flattened (its LIMIT), so it can only run per key; with every column of the keys' index
  // bound (the key compared in its "C"), no other index of the provider looks as good to those statistics.
  return {
    sql:
      `select found.*${orderColumns(order)} from (${keys}) page cross join lateral ` +
      `(select ${IDENTITY_COLUMNS} from identities i where ${OF_PROVIDER} and i.${key} = page.username_key limit 1) found ` +
      orderSql(order),
    args: [scope.providerId, scope.tenantId, query.limit, query.offset, scope.providerId, scope.tenantId],
    order,
  };
}

type ListStatements = {
  count: SqlFragment;
  page: IdentityPage;
  /** An unfiltered, unsorted list's page when its `count` says every identity is keyed. */
  keyedPage?: IdentityPage;
  candidates?: SqlFragment;
  candidatesAreMatches: boolean;
};

/**
 * The statements of a list: how many match, the page's identities in order, and — when a sortBy or a
 * filter no index decides makes the list read its candidates one by one — how many candidates there
 * are, counted no further than `maxCandidates` + 1. `candidatesAreMatches`: the index decides the
 * whole filter, so that count is the count of matches too. Exported for the plan tests.
 */
export function scimListStatements(dialect: Dialect, scope: ScimScope, query: ScimListQuery, maxCandidates?: number): ListStatements {
  const statement = (condition: ScimListQuery["filter"]) => {
    const filter = condition ? filterSql(dialect, scope, condition) : undefined;
    const index = dialect === "sqlite" ? sqliteIdentitiesIndex(condition) : undefined;
    const identities = `identities i${index ? ` indexed by ${index}` : ""}`;
    const where = `where ${OF_PROVIDER}${filter ? ` and ${filter.sql}` : ""}`;
    const filterReadsUsers = condition !== undefined && conditionReadsUsers(condition);
    const from = (readsUsers: boolean) => `from ${identities}${readsUsers || filterReadsUsers ? " join users u on u.id = i.user_id" : ""} ${where}`;
    return { from, args: [scope.providerId, scope.tenantId, ...(filter?.args ?? [])] };
  };
  const { from, args } = statement(query.filter);
  const { narrowing, complete } = candidatesOf(query.filter);
  const bounded = maxCandidates !== undefined && (query.sortBy !== undefined || !complete) ? statement(narrowing) : undefined;
  const unfiltered = query.filter === undefined;
  const order = orderTerms(dialect, query.sortBy, query.descending, query.filter);
  return {
    count: unfiltered ? providerCounts(scope) : { sql: `select count(*) as total ${from(false)}`, args },
    page: {
      sql: `select ${IDENTITY_COLUMNS}${orderColumns(order)} ${from(sortReadsUsers(query.sortBy))} ${orderSql(order)} limit ? offset ?`,
      args: [...args, query.limit, query.offset],
      order,
    },
    ...(unfiltered && query.sortBy === undefined && { keyedPage: keyedPage(dialect, scope, query) }),
    ...(bounded && {
      candidates: { sql: `select count(*) as total from (select 1 ${bounded.from(false)} limit ?) candidates`, args: [...bounded.args, maxCandidates! + 1] },
    }),
    candidatesAreMatches: complete,
  };
}

export type ScimListPage<T = ScimUserRecord> = { total: number; records: T[] };

/**
 * One page of the provider's users that match the filter, in the asked order, with how many match
 * in all. The page's identities, users, addresses and mobiles are read in one statement (recordsOfPage). A filter
 * comparison its field does not have (a time compared with co) is a RangeError: lib/scim refuses it first.
 * A list that would read more than `maxCandidates` users one by one (to sort them, or to test a
 * condition no index decides) is not read: `tooMany` says so. `each` maps the page's records as soon
 * as they are read, while the count may still run: the caller's work on them overlaps it.
 */
export function listScimUsers(db: Db, scope: ScimScope, query: ScimListQuery): Promise<ScimListPage>;
export function listScimUsers<T = ScimUserRecord>(
  db: Db,
  scope: ScimScope,
  query: ScimListQuery,
  maxCandidates: number,
  each?: (record: ScimUserRecord) => T,
): Promise<ScimListPage<T> | { tooMany: true }>;
export async function listScimUsers<T>(
  db: Db,
  scope: ScimScope,
  query: ScimListQuery,
  maxCandidates?: number,
  each?: (record: ScimUserRecord) => T,
): Promise<ScimListPage<T | ScimUserRecord> | { tooMany: true }> {
  const { count, page, keyedPage, candidates, candidatesAreMatches } = scimListStatements(db.dialect, scope, query, maxCandidates);
  const counted = candidates && (await prepared<{ total: number }>(db, candidates.sql).get(...candidates.args))!.total;
  if (counted !== undefined && counted > maxCandidates!) return { tooMany: true };
  // A sorted list whose filter the index decides: its candidates were its matches, counted already.
  const counts = async () =>
    counted !== undefined && candidatesAreMatches
      ? { total: counted }
      : ((await prepared<{ total: number; keyed?: number }>(db, count.sql).get(...count.args)) ?? { total: 0 });
  const pageOf = async (statement: IdentityPage) => {
    const records = await recordsOfPage(db, statement);
    return each ? records.map(each) : records;
  };
  // A filtered first page does not wait for the count: on PostgreSQL the two run on two pooled
  // connections at once (a prefix's count reads thousands of index entries). It is empty only when
  // nothing matches; its statement then reads no more than the count did (an empty index range, or
  // the candidates maxCandidates allows). Other pages wait, so that a startIndex past the end reads
  // no rows at all, and an unfiltered one reads the kept counts (one row) to choose its statement.
  if (query.offset === 0 && query.limit > 0 && !keyedPage) {
    const [{ total }, records] = await Promise.all([counts(), pageOf(page)]);
    return { total, records };
  }
  const { total, keyed } = await counts();
  if (query.limit <= 0 || query.offset >= total) return { total, records: [] };
  return { total, records: await pageOf(keyedPage && keyed === total ? keyedPage : page) };
}

/** The provider's user with this id; undefined for a user the provider is not linked to (or another tenant's). */
export async function getScimUser(db: Db, scope: ScimScope, userId: string): Promise<ScimUserRecord | undefined> {
  const identity = await findIdentity(db, scope, userId);
  return identity && recordOf(db, identity);
}
