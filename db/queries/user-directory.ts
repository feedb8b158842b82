import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { userMobiles, users, type User } from "../schema";

/** How a caller names a user: by id, or by one of the codes (aaaId, userCode, uniqueCode). */
export type UserRef = { kind: "id"; id: string } | { kind: "code"; code: string };

function refCondition(ref: UserRef): SQL {
  return ref.kind === "id" ? eq(users.id, ref.id) : or(eq(users.aaaId, ref.code), eq(users.userCode, ref.code), eq(users.uniqueCode, ref.code))!;
}

export function findUserByRef(db: Db, tenantId: string, ref: UserRef): User | undefined {
  return db.select().from(users).where(and(eq(users.tenantId, tenantId), refCondition(ref))).get();
}

/** Users named by several refs, in the order asked, each at most once; unknown refs are skipped. */
export function findUsersByRefs(db: Db, tenantId: string, refs: readonly UserRef[]): User[] {
  if (refs.length === 0) return [];
  const rows = db.select().from(users).where(and(eq(users.tenantId, tenantId), or(...refs.map(refCondition)))).all();
  const ordered: User[] = [];
  for (const ref of refs) {
    const match = rows.find((u) => (ref.kind === "id" ? u.id === ref.id : u.aaaId === ref.code || u.userCode === ref.code || u.uniqueCode === ref.code));
    if (match && !ordered.includes(match)) ordered.push(match);
  }
  return ordered;
}

export type Mobile = { countryCode: string; number: string };
export type Mobiles = { primaryMobile: Mobile | null; secondaryMobile: Mobile | null };

export function mobilesOfUsers(db: Db, tenantId: string, userIds: readonly string[]): Map<string, Mobiles> {
  const result = new Map<string, Mobiles>(userIds.map((id) => [id, { primaryMobile: null, secondaryMobile: null }]));
  if (userIds.length === 0) return result;
  const rows = db
    .select()
    .from(userMobiles)
    .where(and(eq(userMobiles.tenantId, tenantId), inArray(userMobiles.userId, [...userIds])))
    .all();
  for (const row of rows) {
    const entry = result.get(row.userId)!;
    const mobile = { countryCode: row.countryCode, number: row.number };
    if (row.kind === "primary") entry.primaryMobile = mobile;
    else entry.secondaryMobile = mobile;
  }
  return result;
}

export const USER_SORT_KEYS = ["createdAt", "updatedAt", "name", "email", "uniqueCode"] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

const SORT_COLUMNS = {
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  name: users.name,
  email: users.emailNormalized,
  uniqueCode: users.uniqueCode,
} as const;

export type ListUsersInput = {
  tenantId: string;
  page: number;
  size: number;
  query?: string;
  sortKey: UserSortKey;
  sortDirection: "asc" | "desc";
};

export type ListedUser = User & { identitiesCount: number };

/** One page of a tenant's users, optionally filtered by a case-insensitive match on email, name or unique code. */
export function listUsers(db: Db, input: ListUsersInput): { total: number; users: ListedUser[] } {
  const conditions: SQL[] = [eq(users.tenantId, input.tenantId)];
  const term = input.query?.trim().toLowerCase();
  if (term) {
    const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      sql`(${users.emailNormalized} like ${pattern} escape '\\' or lower(${users.name}) like ${pattern} escape '\\' or lower(${users.uniqueCode}) like ${pattern} escape '\\')`,
    );
  }
  const where = and(...conditions);
  const total = db.select({ n: sql<number>`count(*)` }).from(users).where(where).get()?.n ?? 0;
  const column = SORT_COLUMNS[input.sortKey];
  const rows = db
    .select({ user: users, // Written out: inside a subquery drizzle would not qualify the outer column.
      identitiesCount: sql<number>`(select count(*) from identities where identities.user_id = "users"."id")` })
    .from(users)
    .where(where)
    .orderBy(input.sortDirection === "asc" ? asc(column) : desc(column), asc(users.id))
    .limit(input.size)
    .offset((input.page - 1) * input.size)
    .all();
  return { total, users: rows.map((row) => ({ ...row.user, identitiesCount: row.identitiesCount })) };
}
