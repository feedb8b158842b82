import type { Db } from "../client";
import { codePointOrder, inList, prefixUpperBound, prepared } from "../prepared";
import type { AuditEvent, EmailKey } from "../schema";
import { AUDIT_EVENT_COLUMNS, auditEventFromRow, type AuditEventRow } from "./audit";

/** Times are epoch milliseconds, both ends inclusive. */
export type AuditLogFilters = {
  /** Case-insensitive "contains" on the actor's name or id. */
  actor?: string;
  /** An exact action (`user.deactivate`), which also matches its sub-actions; ending in "." or "*" it is a prefix only. */
  action?: string;
  /** Target ids to match; see `auditTargetIds` for turning what the admin typed into ids. */
  targetIds?: string[];
  from?: number;
  to?: number;
};

export type AuditLogPage = { total: number; events: AuditEvent[] };

type Fragment = { sql: string; args: (string | number)[] };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

// Ranges and ties compare code points, as SQLite's BINARY does, whatever PostgreSQL's collation
// (audit_events_tenant_action_c_idx serves the action's equality and range there, its only index).
const binary = (db: Db) => codePointOrder(db.dialect);

function prefixRange(db: Db, prefix: string): Fragment {
  return { sql: `(action${binary(db)} >= ? and action${binary(db)} < ?)`, args: [prefix, prefixUpperBound(prefix)] };
}

function actionCondition(db: Db, action: string): Fragment | null {
  const prefix = action.endsWith("*") ? action.slice(0, -1) : action.endsWith(".") ? action : null;
  if (prefix !== null) return prefix === "" ? null : prefixRange(db, prefix);
  // "user.deactivate" also finds "user.deactivate.undo"; "user" finds every "user.*" action.
  const range = prefixRange(db, `${action}.`);
  return { sql: `(action${binary(db)} = ? or ${range.sql})`, args: [action, ...range.args] };
}

/**
 * What an admin typed in the target filter, as target ids: the text itself (ids are lower case,
 * so also its lower-case form), plus the id of the tenant's user when the text is a user's email
 * (`emailKey`: the text as an email key, or null when it is no address).
 */
export async function auditTargetIds(db: Db, tenantId: string, target: string, emailKey: EmailKey | null): Promise<string[]> {
  const text = target.trim();
  const ids = new Set([text, text.toLowerCase()]);
  if (emailKey) {
    const user = await prepared<{ id: string }>(db, "select id from users where tenant_id = ? and email_normalized = ?").get(tenantId, emailKey);
    if (user) ids.add(user.id);
  }
  return [...ids];
}

function auditConditions(db: Db, tenantId: string, filters: AuditLogFilters): Fragment {
  const parts = ["tenant_id = ?"];
  const args: (string | number)[] = [tenantId];
  const add = (fragment: Fragment) => {
    parts.push(fragment.sql);
    args.push(...fragment.args);
  };
  const actor = filters.actor?.trim().toLowerCase();
  if (actor) {
    const pattern = `%${escapeLike(actor)}%`;
    add({ sql: "(lower(actor_name) like ? escape '\\' or lower(actor_id) like ? escape '\\')", args: [pattern, pattern] });
  }
  const action = filters.action?.trim();
  const condition = action ? actionCondition(db, action) : null;
  if (condition) add(condition);
  if (filters.targetIds) {
    if (filters.targetIds.length === 0) add({ sql: "false", args: [] });
    else {
      const list = inList(filters.targetIds);
      add({ sql: `target_id in ${list.sql}`, args: [...list.values] });
    }
  }
  if (filters.from !== undefined) add({ sql: "created_at >= ?", args: [filters.from] });
  if (filters.to !== undefined) add({ sql: "created_at <= ?", args: [filters.to] });
  return { sql: parts.join(" and "), args };
}

/**
 * Newest first. With a target filter, `+created_at` keeps SQLite from walking the whole tenant in
 * time order (to skip a sort) when the (tenant_id, target_id) index finds the few matching rows
 * directly (PostgreSQL reads `+` as the same expression-not-a-column).
 */
const newestFirst = (db: Db, filters: AuditLogFilters) => `order by ${filters.targetIds ? "+created_at" : "created_at"} desc, id${binary(db)} desc`;

/** The count of matching events; exported so that tests can check its plan. */
export function auditCountQuery(db: Db, tenantId: string, filters: AuditLogFilters): Fragment {
  const where = auditConditions(db, tenantId, filters);
  return { sql: `select count(*) as n from audit_events where ${where.sql}`, args: where.args };
}

export async function countAuditEvents(db: Db, tenantId: string, filters: AuditLogFilters): Promise<number> {
  const query = auditCountQuery(db, tenantId, filters);
  return (await prepared<{ n: number }>(db, query.sql).get(...query.args))?.n ?? 0;
}

type PageInput = { tenantId: string; filters: AuditLogFilters; page: number; size: number };

function auditPageQuery(db: Db, input: PageInput): Fragment {
  const where = auditConditions(db, input.tenantId, input.filters);
  return {
    sql: `select ${AUDIT_EVENT_COLUMNS} from audit_events where ${where.sql} ${newestFirst(db, input.filters)} limit ? offset ?`,
    args: [...where.args, input.size, (input.page - 1) * input.size],
  };
}

/** One page of a tenant's audit events, newest first; `page` starts at 1. */
export async function listAuditEvents(db: Db, input: PageInput): Promise<AuditLogPage> {
  const total = await countAuditEvents(db, input.tenantId, input.filters);
  const query = auditPageQuery(db, input);
  const rows = await prepared<AuditEventRow>(db, query.sql).all(...query.args);
  return { total, events: rows.map(auditEventFromRow) };
}

/**
 * Reads matching events newest first in chunks of `chunkSize`, at most `limit` in all. Each chunk
 * continues after the last row of the previous one (keyset), so late chunks cost as much as the
 * first and events written meanwhile neither repeat nor shift rows.
 */
export async function* auditEventChunks(
  db: Db,
  input: { tenantId: string; filters: AuditLogFilters; limit: number; chunkSize?: number },
): AsyncGenerator<AuditEvent[], void, undefined> {
  const where = auditConditions(db, input.tenantId, input.filters);
  const chunkSize = input.chunkSize ?? 1_000;
  const order = newestFirst(db, input.filters);
  // The outer "<=" gives the (tenant_id, created_at) index a range to start from.
  const keyset = `created_at <= ? and (created_at < ? or id${binary(db)} < ?)`;
  let remaining = input.limit;
  let after: { createdAt: number; id: string } | null = null;
  while (remaining > 0) {
    const limit = Math.min(chunkSize, remaining);
    const rows: AuditEventRow[] = after
      ? await prepared<AuditEventRow>(db, `select ${AUDIT_EVENT_COLUMNS} from audit_events where ${where.sql} and ${keyset} ${order} limit ?`).all(
          ...where.args,
          after.createdAt,
          after.createdAt,
          after.id,
          limit,
        )
      : await prepared<AuditEventRow>(db, `select ${AUDIT_EVENT_COLUMNS} from audit_events where ${where.sql} ${order} limit ?`).all(...where.args, limit);
    if (rows.length === 0) return;
    yield rows.map(auditEventFromRow);
    remaining -= rows.length;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
    if (rows.length < chunkSize) return;
  }
}

/**
 * What a person recognises each event's target by: a user's email, an admin's email, a token's
 * name; keyed by target id. Read for one page (or export chunk) of events at a time.
 */
export async function auditTargetLabels(
  db: Db,
  tenantId: string,
  events: readonly Pick<AuditEvent, "targetType" | "targetId">[],
): Promise<Map<string, string>> {
  const ids = (type: string) => [...new Set(events.filter((e) => e.targetType === type && e.targetId).map((e) => e.targetId as string))];
  const labels = new Map<string, string>();
  const lookups = [
    { type: "user", sql: "select id, email as label from users where tenant_id = ? and id in " },
    { type: "admin", sql: "select a.id, u.email as label from admins a join users u on u.id = a.user_id where a.tenant_id = ? and a.id in " },
    { type: "token", sql: "select id, name as label from personal_access_tokens where tenant_id = ? and id in " },
  ];
  for (const lookup of lookups) {
    const targetIds = ids(lookup.type);
    if (targetIds.length === 0) continue;
    const list = inList(targetIds);
    for (const row of await prepared<{ id: string; label: string }>(db, lookup.sql + list.sql).all(tenantId, ...list.values)) labels.set(row.id, row.label);
  }
  return labels;
}
