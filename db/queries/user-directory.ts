import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { userMobiles, users, type User } from "../schema";

/** How a caller names a user: by id, or by one of the codes (aaaId, userCode, uniqueCode). */
export type UserRef = { kind: "id"; id: string } | { kind: "code"; code: string };

function refCondition(ref: UserRef): SQL {
  return ref.kind === "id" ? eq(users.id, ref.id) : or(eq(users.aaaId, ref.code), eq(users.userCode, ref.code), eq(users.uniqueCode, ref.code))!;
}

export function findUserByRef(db: Db, tenantId: string, ref: UserRef): User | undefined {
  return db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), refCondition(ref)))
    .get();
}

/** Users named by several refs, in the order asked, each at most once; unknown refs are skipped. */
export function findUsersByRefs(db: Db, tenantId: string, refs: readonly UserRef[]): User[] {
  if (refs.length === 0) return [];
  const rows = db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), or(...refs.map(refCondition))))
    .all();
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
