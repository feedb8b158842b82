import { randomInt, randomUUID } from "node:crypto";
import type { Db } from "../client";
import { prepared } from "../prepared";
import type { Tenant } from "../schema";

const TENANT_COLUMNS = `id, name, user_count as "userCount", search_tag as "searchTag", created_at as "createdAt", updated_at as "updatedAt"`;

// `do nothing` rather than a read first: two processes creating the same tenant at once both
// end up with the one row, instead of one of them failing on the unique name.
const INSERT_TENANT = `insert into tenants (id, name, user_count, search_tag, created_at, updated_at) values (?, ?, 0, ?, ?, ?)
  on conflict (name) do nothing returning ${TENANT_COLUMNS}`;
const TENANT_BY_NAME = `select ${TENANT_COLUMNS} from tenants where name = ?`;
const TENANT_BY_ID = `select ${TENANT_COLUMNS} from tenants where id = ?`;

export async function ensureTenant(db: Db, name: string, now = Date.now()): Promise<{ tenant: Tenant; created: boolean }> {
  const existing = await prepared<Tenant>(db, TENANT_BY_NAME).get(name);
  if (existing) return { tenant: existing, created: false };
  const tenant = await prepared<Tenant>(db, INSERT_TENANT).get(randomUUID(), name, newSearchTag(), now, now);
  if (tenant) return { tenant, created: true };
  return { tenant: (await prepared<Tenant>(db, TENANT_BY_NAME).get(name))!, created: false };
}

// Supplementary Private Use Area-A: no folded name, address or code holds these in practice, and
// the search rechecks the tag anyway. 65,534³ tags: a clash (a unique-index error) never happens.
const TAG_FIRST = 0xf0000;
const TAG_CODES = 65_534;

function newSearchTag(): string {
  return String.fromCodePoint(TAG_FIRST + randomInt(TAG_CODES), TAG_FIRST + randomInt(TAG_CODES), TAG_FIRST + randomInt(TAG_CODES));
}

export function getTenant(db: Db, id: string): Promise<Tenant | undefined> {
  return prepared<Tenant>(db, TENANT_BY_ID).get(id);
}

export async function countTenants(db: Db): Promise<number> {
  return (await prepared<{ n: number }>(db, `select count(*) as n from tenants`).get())?.n ?? 0;
}

export type TenantSummary = Omit<Tenant, "searchTag"> & { activeUserCount: number };

// Grouped by the key alone: both databases let the other tenant columns through, as they depend on it.
const LIST_TENANTS = `select t.id, t.name, t.created_at as "createdAt", t.updated_at as "updatedAt",
    count(u.id) as "userCount", count(case when u.active then 1 end) as "activeUserCount"
  from tenants t left join users u on u.tenant_id = t.id
  group by t.id
  order by t.created_at, t.id`;

export function listTenants(db: Db): Promise<TenantSummary[]> {
  return prepared<TenantSummary>(db, LIST_TENANTS).all();
}

/** Every tenant's id and name, oldest first, without counting anyone. */
export function tenantNames(db: Db): Promise<{ id: string; name: string }[]> {
  return prepared<{ id: string; name: string }>(db, "select id, name from tenants order by created_at, id").all();
}
