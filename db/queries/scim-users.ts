import type { Db } from "../client";
import type { Dialect } from "../driver/types";
import { prepared } from "../prepared";
import { conditionReadsUsers, filterSql, orderSql, sortReadsUsers, sqliteIdentitiesIndex, type SqlFragment } from "./scim-user-filter";
import {
  findIdentity,
  IDENTITY_COLUMNS,
  OF_PROVIDER,
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

/** The statements of a list: how many match, and the page's identities in order. Exported for the plan tests. */
export function scimListStatements(dialect: Dialect, scope: ScimScope, query: ScimListQuery): { count: SqlFragment; page: SqlFragment } {
  const filter = query.filter ? filterSql(dialect, scope, query.filter) : undefined;
  const index = dialect === "sqlite" ? sqliteIdentitiesIndex(query.filter) : undefined;
  const identities = `identities i${index ? ` indexed by ${index}` : ""}`;
  const where = `where ${OF_PROVIDER}${filter ? ` and ${filter.sql}` : ""}`;
  const filterReadsUsers = query.filter !== undefined && conditionReadsUsers(query.filter);
  const from = (readsUsers: boolean) => `from ${identities}${readsUsers ? " join users u on u.id = i.user_id" : ""} ${where}`;
  const args = [scope.providerId, scope.tenantId, ...(filter?.args ?? [])];
  return {
    count: { sql: `select count(*) as total ${from(filterReadsUsers)}`, args },
    page: {
      sql: `select ${IDENTITY_COLUMNS} ${from(filterReadsUsers || sortReadsUsers(query.sortBy))} ${orderSql(dialect, query.sortBy, query.descending, query.filter)} limit ? offset ?`,
      args: [...args, query.limit, query.offset],
    },
  };
}

/**
 * One page of the provider's users that match the filter, in the asked order, with how many match
 * in all. The page's users, addresses and mobiles are read in one statement each. A filter
 * comparison its field does not have (a time compared with co) is a RangeError: lib/scim refuses it first.
 */
export async function listScimUsers(db: Db, scope: ScimScope, query: ScimListQuery): Promise<{ total: number; records: ScimUserRecord[] }> {
  const { count, page } = scimListStatements(db.dialect, scope, query);
  const { total } = (await prepared<{ total: number }>(db, count.sql).get(...count.args))!;
  if (query.limit <= 0 || query.offset >= total) return { total, records: [] };
  return { total, records: await recordsOf(db, await prepared<IdentityRow>(db, page.sql).all(...page.args)) };
}

/** The provider's user with this id; undefined for a user the provider is not linked to (or another tenant's). */
export async function getScimUser(db: Db, scope: ScimScope, userId: string): Promise<ScimUserRecord | undefined> {
  const identity = await findIdentity(db, scope, userId);
  return identity && (await recordsOf(db, [identity]))[0];
}
