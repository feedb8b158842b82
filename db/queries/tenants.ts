import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { tenants, users, type Tenant } from "../schema";

export function ensureTenant(db: Db, name: string, now = Date.now()): { tenant: Tenant; created: boolean } {
  const existing = db.select().from(tenants).where(eq(tenants.name, name)).get();
  if (existing) return { tenant: existing, created: false };
  const tenant = db.insert(tenants).values({ id: randomUUID(), name, createdAt: now, updatedAt: now }).returning().get();
  return { tenant, created: true };
}

export function getTenant(db: Db, id: string): Tenant | undefined {
  return db.select().from(tenants).where(eq(tenants.id, id)).get();
}

export function countTenants(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(tenants).get()?.n ?? 0;
}

export type TenantSummary = Tenant & { userCount: number; activeUserCount: number };

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
