import type { Db } from "../client";
import type { Dialect } from "../driver/types";
import { prepared } from "../prepared";
import { candidatesOf, conditionReadsUsers, filterSql, orderSql, sortReadsUsers, sqliteIdentitiesIndex, type SqlFragment } from "./scim-user-filter";
import {
  findIdentity,
  IDENTITY_COLUMNS,
  OF_PROVIDER,
  recordOf,
  recordsOf,
  type IdentityRow,
  type ScimListQuery,
  type ScimScope,
  type ScimUserRecord,
} from "./scim-user-records";

// The SCIM service provider's users (docs/decisions/0017): what lib/scim reads and writes through.
// A provider sees the users it is linked to by an identity; nothing here knows SCIM's syntax.

export type { ScimComparison, ScimCondition, ScimConflict, ScimField, ScimListQuery, ScimScope, ScimUserRecord, ScimUserWrite } from "./scim-user-records";
export { createScimUser, detachScimUser, setScimUserActive, updateScimUser } from "./scim-user-write";
export { INDEXED_LOOKUP_FIELDS } from "./scim-user-filter";

/**
 * The statements of a list: how many match, the page's identities in order, and — when a sortBy or a
 * filter no index decides makes the list read its candidates one by one — how many candidates there
 * are, counted no further than `maxCandidates` + 1. `candidatesAreMatches`: the index decides the
 * whole filter, so that count is the count of matches too. Exported for the plan tests.
 */
export function scimListStatements(
  dialect: Dialect,
  scope: ScimScope,
  query: ScimListQuery,
  maxCandidates?: number,
): { count: SqlFragment; page: SqlFragment; candidates?: SqlFragment; candidatesAreMatches: boolean } {
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
  return {
    count: { sql: `select count(*) as total ${from(false)}`, args },
    page: {
      sql: `select ${IDENTITY_COLUMNS} ${from(sortReadsUsers(query.sortBy))} ${orderSql(dialect, query.sortBy, query.descending, query.filter)} limit ? offset ?`,
      args: [...args, query.limit, query.offset],
    },
    ...(bounded && {
      candidates: { sql: `select count(*) as total from (select 1 ${bounded.from(false)} limit ?) candidates`, args: [...bounded.args, maxCandidates! + 1] },
    }),
    candidatesAreMatches: complete,
  };
}

export type ScimListPage = { total: number; records: ScimUserRecord[] };

/**
 * One page of the provider's users that match the filter, in the asked order, with how many match
 * in all. The page's users, addresses and mobiles are read in one statement each. A filter
 * comparison its field does not have (a time compared with co) is a RangeError: lib/scim refuses it first.
 * A list that would read more than `maxCandidates` users one by one (to sort them, or to test a
 * condition no index decides) is not read: `tooMany` says so.
 */
export function listScimUsers(db: Db, scope: ScimScope, query: ScimListQuery): Promise<ScimListPage>;
export function listScimUsers(db: Db, scope: ScimScope, query: ScimListQuery, maxCandidates: number): Promise<ScimListPage | { tooMany: true }>;
export async function listScimUsers(db: Db, scope: ScimScope, query: ScimListQuery, maxCandidates?: number): Promise<ScimListPage | { tooMany: true }> {
  const { count, page, candidates, candidatesAreMatches } = scimListStatements(db.dialect, scope, query, maxCandidates);
  const counted = candidates && (await prepared<{ total: number }>(db, candidates.sql).get(...candidates.args))!.total;
  if (counted !== undefined && counted > maxCandidates!) return { tooMany: true };
  // A sorted list whose filter the index decides: its candidates were its matches, counted already.
  const total = async () =>
    counted !== undefined && candidatesAreMatches ? counted : (await prepared<{ total: number }>(db, count.sql).get(...count.args))!.total;
  const pageRows = () => prepared<IdentityRow>(db, page.sql).all(...page.args);
  if (query.limit <= 0) return { total: await total(), records: [] };
  // A first page does not wait for the count: on PostgreSQL the two run on two pooled connections
  // at once (a prefix's count reads thousands of index entries). It is empty only when nothing
  // matches; its statement then reads no more than the count did (an empty index range, or the
  // candidates maxCandidates allows). A later page waits, so that a startIndex past the end reads no rows at all.
  if (query.offset === 0) {
    const [matches, identities] = await Promise.all([total(), pageRows()]);
    return { total: matches, records: await recordsOf(db, identities) };
  }
  const matches = await total();
  if (query.offset >= matches) return { total: matches, records: [] };
  return { total: matches, records: await recordsOf(db, await pageRows()) };
}

/** The provider's user with this id; undefined for a user the provider is not linked to (or another tenant's). */
export async function getScimUser(db: Db, scope: ScimScope, userId: string): Promise<ScimUserRecord | undefined> {
  const identity = await findIdentity(db, scope, userId);
  return identity && recordOf(db, identity);
}
