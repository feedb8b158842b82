import { randomInt, randomUUID } from "node:crypto";
import type { Db } from "../client";
import { DEFAULT_APPROVAL_THRESHOLD } from "../constants";
import { inTransaction, prepared } from "../prepared";
import type { Tenant } from "../schema";
import { recordAuditEvent } from "./audit";

const TENANT_COLUMNS = `id, name, user_count as "userCount", search_tag as "searchTag", require_mfa as "requireMfa",
  approval_threshold as "approvalThreshold", time_zone as "timeZone", created_at as "createdAt", updated_at as "updatedAt"`;

type TenantRow = Omit<Tenant, "requireMfa"> & { requireMfa: number | boolean };
const tenantFromRow = (row: TenantRow | undefined): Tenant | undefined => row && { ...row, requireMfa: Boolean(row.requireMfa) };

// `do nothing` rather than a read first: two processes creating the same tenant at once both
// end up with the one row, instead of one of them failing on the unique name.
const INSERT_TENANT = `insert into tenants (id, name, user_count, search_tag, require_mfa, approval_threshold, created_at, updated_at) values (?, ?, 0, ?, ?, ?, ?, ?)
  on conflict (name) do nothing returning ${TENANT_COLUMNS}`;
const TENANT_BY_NAME = `select ${TENANT_COLUMNS} from tenants where name = ?`;
const TENANT_BY_ID = `select ${TENANT_COLUMNS} from tenants where id = ?`;

/**
 * The tenant named `name`, created when missing. A new tenant requires MFA of its admins unless
 * `requireMfa: false` says otherwise (test factories), and a second admin for bulk leaver jobs
 * above DEFAULT_APPROVAL_THRESHOLD rows unless `approvalThreshold` says otherwise (null: off);
 * an existing one keeps its settings.
 */
export async function ensureTenant(
  db: Db,
  name: string,
  now = Date.now(),
  options: { requireMfa?: boolean; approvalThreshold?: number | null } = {},
): Promise<{ tenant: Tenant; created: boolean }> {
  const byName = async () => tenantFromRow(await prepared<TenantRow>(db, TENANT_BY_NAME).get(name));
  const existing = await byName();
  if (existing) return { tenant: existing, created: false };
  const requireMfa = options.requireMfa ?? true;
  const threshold = options.approvalThreshold === undefined ? DEFAULT_APPROVAL_THRESHOLD : options.approvalThreshold;
  const tenant = tenantFromRow(await prepared<TenantRow>(db, INSERT_TENANT).get(randomUUID(), name, newSearchTag(), requireMfa ? 1 : 0, threshold, now, now));
  if (tenant) return { tenant, created: true };
  return { tenant: (await byName())!, created: false };
}

// Supplementary Private Use Area-A: no folded name, address or code holds these in practice, and
// the search rechecks the tag anyway. 65,534³ tags: a clash (a unique-index error) never happens.
const TAG_FIRST = 0xf0000;
const TAG_CODES = 65_534;

function newSearchTag(): string {
  return String.fromCodePoint(TAG_FIRST + randomInt(TAG_CODES), TAG_FIRST + randomInt(TAG_CODES), TAG_FIRST + randomInt(TAG_CODES));
}

export async function getTenant(db: Db, id: string): Promise<Tenant | undefined> {
  return tenantFromRow(await prepared<TenantRow>(db, TENANT_BY_ID).get(id));
}

export async function countTenants(db: Db): Promise<number> {
  return (await prepared<{ n: number }>(db, `select count(*) as n from tenants`).get())?.n ?? 0;
}

export type TenantSummary = Omit<Tenant, "searchTag"> & { activeUserCount: number };

// Grouped by the key alone: both databases let the other tenant columns through, as they depend on it.
const LIST_TENANTS = `select t.id, t.name, t.require_mfa as "requireMfa", t.approval_threshold as "approvalThreshold", t.created_at as "createdAt", t.updated_at as "updatedAt",
    count(u.id) as "userCount", count(case when u.active then 1 end) as "activeUserCount"
  from tenants t left join users u on u.tenant_id = t.id
  group by t.id
  order by t.created_at, t.id`;

export async function listTenants(db: Db): Promise<TenantSummary[]> {
  const rows = await prepared<Omit<TenantSummary, "requireMfa"> & { requireMfa: number | boolean }>(db, LIST_TENANTS).all();
  return rows.map((row) => ({ ...row, requireMfa: Boolean(row.requireMfa) }));
}

export type PolicyActor = { type: "admin" | "system"; id?: string; name: string; requestId?: string | null };

/** A tenant setting an admin or the CLI changes: its column (a constant, never input) and its audit action. */
type TenantSetting<K extends keyof Tenant> = { key: K; column: "require_mfa" | "approval_threshold" | "time_zone"; action: string };

/** The tenant, row-locked until the caller's transaction ends on PostgreSQL (SQLite's immediate transaction already holds the writer). */
export async function lockTenant(db: Db, tenantId: string): Promise<Tenant | undefined> {
  return tenantFromRow(await prepared<TenantRow>(db, `${TENANT_BY_ID}${db.dialect === "postgres" ? " for update" : ""}`).get(tenantId));
}

/** An audit event about the tenant's own settings, by `actor`, in the caller's transaction. */
export function recordTenantEvent(
  db: Db,
  tenantId: string,
  actor: PolicyActor,
  action: string,
  outcome: string,
  details: Record<string, unknown>,
  now: number,
) {
  return recordAuditEvent(db, {
    tenantId,
    actorType: actor.type,
    actorId: actor.id ?? null,
    actorName: actor.name,
    action,
    targetType: "tenant",
    targetId: tenantId,
    outcome,
    requestId: actor.requestId ?? null,
    details,
    createdAt: now,
  });
}

/**
 * Sets one of the tenant's settings and audits a change (`setting.action`, from and to) in the
 * same transaction, the tenant locked on PostgreSQL meanwhile; setting it to what it is changes and records nothing.
 */
export async function changeTenantSetting<K extends keyof Tenant>(
  db: Db,
  tenantId: string,
  setting: TenantSetting<K>,
  value: Tenant[K],
  actor: PolicyActor,
  now = Date.now(),
) {
  return inTransaction(db, "immediate", async () => {
    const tenant = await lockTenant(db, tenantId);
    if (!tenant) return null;
    if (tenant[setting.key] === value) return { tenant, changed: false };
    const stored = typeof value === "boolean" ? (value ? 1 : 0) : (value as number | string | null);
    await prepared(db, `update tenants set ${setting.column} = ?, updated_at = ? where id = ?`).run(stored, now, tenantId);
    await recordTenantEvent(db, tenantId, actor, setting.action, "success", { from: tenant[setting.key], to: value }, now);
    return { tenant: { ...tenant, [setting.key]: value, updatedAt: now }, changed: true };
  });
}

/** Sets the tenant's "MFA required for admins" policy (audited as tenant.mfa_policy_changed). */
export function setTenantRequireMfa(db: Db, tenantId: string, requireMfa: boolean, actor: PolicyActor, now = Date.now()) {
  return changeTenantSetting(db, tenantId, { key: "requireMfa", column: "require_mfa", action: "tenant.mfa_policy_changed" }, requireMfa, actor, now);
}

/** Every tenant's id and name, oldest first, without counting anyone. */
export function tenantNames(db: Db): Promise<{ id: string; name: string }[]> {
  return prepared<{ id: string; name: string }>(db, "select id, name from tenants order by created_at, id").all();
}
