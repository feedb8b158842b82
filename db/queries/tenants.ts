import { randomInt, randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { tenants, users, type Tenant } from "../schema";

export function ensureTenant(db: Db, name: string, now = Date.now()): { tenant: Tenant; created: boolean } {
  const existing = db.select().from(tenants).where(eq(tenants.name, name)).get();
  if (existing) return { tenant: existing, created: false };
  const tenant = db.insert(tenants).values({ id: randomUUID(), name, searchTag: newSearchTag(), createdAt: now, updatedAt: now }).returning().get();
  return { tenant, created: true };
}

// Supplementary Private Use Area-A: no folded name, address or code holds these in practice, and
// the search rechecks the tag anyway. 65,534³ tags: a clash (a unique-index error) never happens.
const TAG_FIRST = 0xf0000;
const TAG_CODES = 65_534;

function newSearchTag(): string {
  return String.fromCodePoint(TAG_FIRST + randomInt(TAG_CODES), TAG_FIRST + randomInt(TAG_CODES), TAG_FIRST + randomInt(TAG_CODES));
}

export function getTenant(db: Db, id: string): Tenant | undefined {
  return db.select().from(tenants).where(eq(tenants.id, id)).get();
}

export function countTenants(db: Db): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(tenants)
      .get()?.n ?? 0
  );
}

export type TenantSummary = Omit<Tenant, "searchTag"> & { activeUserCount: number };

export function listTenants(db: Db): TenantSummary[] {
  return db
    .select({
      id: tenants.id,
      name: tenants.name,
      createdAt: tenants.createdAt,
      updatedAt: tenants.updatedAt,
      userCount: sql<number>`count(${users.id})`,
      activeUserCount: sql<number>`coalesce(sum(${users.active}), 0)`,
    })
    .from(tenants)
    .leftJoin(users, eq(users.tenantId, tenants.id))
    .groupBy(tenants.id)
    .orderBy(tenants.createdAt)
    .all();
}
