import type { Db } from "../client";
import { inList, prepared } from "../prepared";
import type { User } from "../schema";

/** How a caller names a user: by id, or by one of the codes (aaaId, userCode, uniqueCode). */
export type UserRef = { kind: "id"; id: string } | { kind: "code"; code: string };

/** The columns of users as a User's fields (JSON still text and the flag 1/0: see userFromRow). */
export const USER_COLUMNS =
  'id, tenant_id as "tenantId", email, email_normalized as "emailNormalized", name, name_folded as "nameFolded", active, state, ' +
  'unique_code as "uniqueCode", unique_code_folded as "uniqueCodeFolded", user_code as "userCode", aaa_id as "aaaId", ' +
  'participant_type as "participantType", category, sub_category as "subCategory", template_id as "templateId", properties, ' +
  'created_by as "createdBy", updated_by as "updatedBy", deactivated_at as "deactivatedAt", deactivated_by as "deactivatedBy", ' +
  'created_at as "createdAt", updated_at as "updatedAt"';

type JsonColumn = "properties" | "createdBy" | "updatedBy" | "deactivatedBy";
export type UserRow = Omit<User, "active" | JsonColumn> & { active: number } & Record<JsonColumn, string | null>;

const parsed = <T>(text: string | null) => (text === null ? null : (JSON.parse(text) as T));

/** A users row read with USER_COLUMNS as the User drizzle's schema describes. */
export function userFromRow(row: UserRow): User {
  return {
    ...row,
    active: row.active === 1,
    properties: JSON.parse(row.properties as string) as User["properties"],
    createdBy: parsed(row.createdBy),
    updatedBy: parsed(row.updatedBy),
    deactivatedBy: parsed(row.deactivatedBy),
  };
}

const BY_ID = `select ${USER_COLUMNS} from users where tenant_id = ? and id = ?`;
// One select per code, each on its own index (an OR of the three can read the whole tenant).
const BY_CODE = `select ${USER_COLUMNS} from users where tenant_id = ? and aaa_id = ?
  union all select ${USER_COLUMNS} from users where tenant_id = ? and user_code = ?
  union all select ${USER_COLUMNS} from users where tenant_id = ? and unique_code = ?`;

/**
 * The user a ref names. Codes of different kinds may collide (one user's aaaId another's unique
 * code): the aaaId wins, then the userCode, then the uniqueCode (each unique per kind or not, the
 * lowest id within one kind), so that the answer does not depend on the plan.
 */
export async function findUserByRef(db: Db, tenantId: string, ref: UserRef): Promise<User | undefined> {
  if (ref.kind === "id") {
    const row = await prepared<UserRow>(db, BY_ID).get(tenantId, ref.id);
    return row && userFromRow(row);
  }
  const rows = await prepared<UserRow>(db, BY_CODE).all(tenantId, ref.code, tenantId, ref.code, tenantId, ref.code);
  const rank = (user: UserRow) => (user.aaaId === ref.code ? 0 : user.userCode === ref.code ? 1 : 2);
  const [first] = rows.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return first && userFromRow(first);
}

/** Users named by several refs (at most a few: one statement each), in the order asked, each at most once; unknown refs are skipped. */
export async function findUsersByRefs(db: Db, tenantId: string, refs: readonly UserRef[]): Promise<User[]> {
  const ordered: User[] = [];
  for (const ref of refs) {
    const match = await findUserByRef(db, tenantId, ref);
    if (match && !ordered.some((user) => user.id === match.id)) ordered.push(match);
  }
  return ordered;
}

export type Mobile = { countryCode: string; number: string };
export type Mobiles = { primaryMobile: Mobile | null; secondaryMobile: Mobile | null };

export async function mobilesOfUsers(db: Db, tenantId: string, userIds: readonly string[]): Promise<Map<string, Mobiles>> {
  const result = new Map<string, Mobiles>(userIds.map((id) => [id, { primaryMobile: null, secondaryMobile: null }]));
  if (userIds.length === 0) return result;
  const list = inList(userIds);
  const rows = await prepared<{ userId: string; kind: "primary" | "secondary"; countryCode: string; number: string }>(
    db,
    `select user_id as "userId", kind, country_code as "countryCode", number from user_mobiles where tenant_id = ? and user_id in ${list.sql}`,
  ).all(tenantId, ...list.values);
  for (const row of rows) {
    const entry = result.get(row.userId)!;
    const mobile = { countryCode: row.countryCode, number: row.number };
    if (row.kind === "primary") entry.primaryMobile = mobile;
    else entry.secondaryMobile = mobile;
  }
  return result;
}
