import type { Db } from "../client";
import { checkedOnly, codePointOrder, inList, prefixUpperBound, prepared } from "../prepared";
import type { AuditEvent, EmailKey } from "../schema";
import { AUDIT_EVENT_COLUMNS, auditEventFromRow, type AuditEventRow } from "./audit";
import { actorKeysCondition, type AuditActorKey } from "./audit-actors";

/** Times are epoch milliseconds, both ends inclusive. */
export type AuditLogFilters = {
  /** Case-insensitive "contains" on the actor's name or id, tested on each event read (see actorKeys). */
  actor?: string;
  /** The actors to match, looked up by: what `auditActorKeys` made of the text typed (the same events as `actor`). */
  actorKeys?: AuditActorKey[];
  /** An exact action (`user.deactivate`), which also matches its sub-actions; ending in "." or "*" it is a prefix only. */
  action?: string;
  /** Target ids to match; see `auditTargetIds` for turning what the admin typed into ids. */
  targetIds?: string[];
  from?: number;
  to?: number;
};

export type AuditLogPage = AuditCount & { events: AuditEvent[] };

type Fragment = { sql: string; args: (string | number)[] };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

// Ranges and ties compare code points, as SQLite's BINARY does, whatever PostgreSQL's collation
// (audit_events_tenant_action_c_idx serves the action's equality and range there, its only index).
const binary = (db: Db) => codePointOrder(db.dialect);

function prefixRange(action: string, prefix: string): Fragment {
  return { sql: `(${action} >= ? and ${action} < ?)`, args: [prefix, prefixUpperBound(prefix)] };
}

/** `checked`: the action compared on each event read in time order, not looked up by (see auditReadPlan). */
function actionCondition(db: Db, filter: string, checked: boolean): Fragment | null {
  const action = `${checked ? checkedOnly(db.dialect, "action") : "action"}${binary(db)}`;
  const prefix = filter.endsWith("*") ? filter.slice(0, -1) : filter.endsWith(".") ? filter : null;
  if (prefix !== null) return prefix === "" ? null : prefixRange(action, prefix);
  // "user.deactivate" also finds "user.deactivate.undo"; "user" finds every "user.*" action.
  const range = prefixRange(action, `${filter}.`);
  return { sql: `(${action} = ? or ${range.sql})`, args: [filter, ...range.args] };
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

/**
 * How SQLite reads a page (docs/decisions/0029): a condition `…Checked` is tested on each event read
 * some other way, never looked up by; `sortAfterLookup` keeps the time index off the page, its few
 * events found by another index and sorted. PostgreSQL plans from its statistics: nothing pinned.
 */
export type AuditReadPlan = { actorChecked: boolean; actionChecked: boolean; sortAfterLookup: boolean };

const plannerDecides = (filters: AuditLogFilters): AuditReadPlan => ({ actorChecked: false, actionChecked: false, sortAfterLookup: !!filters.targetIds });

function auditConditions(db: Db, tenantId: string, filters: AuditLogFilters, plan = plannerDecides(filters)): Fragment {
  const parts = ["tenant_id = ?"];
  const args: (string | number)[] = [tenantId];
  const add = (fragment: Fragment) => {
    parts.push(fragment.sql);
    args.push(...fragment.args);
  };
  const actor = filters.actor?.trim().toLowerCase();
  if (filters.actorKeys) add(actorKeysCondition(db, filters.actorKeys, plan.actorChecked));
  else if (actor) {
    const pattern = `%${escapeLike(actor)}%`;
    add({ sql: "(lower(actor_name) like ? escape '\\' or lower(actor_id) like ? escape '\\')", args: [pattern, pattern] });
  }
  const action = filters.action?.trim();
  const condition = action ? actionCondition(db, action, plan.actionChecked) : null;
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
 * Newest first. `+created_at` keeps SQLite from walking the whole tenant in time order (to skip a
 * sort) when another index (the target's, an actor's) finds the few matching rows directly
 * (PostgreSQL reads `+` as the same expression-not-a-column).
 */
const newestFirst = (db: Db, plan: AuditReadPlan) => `order by ${plan.sortAfterLookup ? "+created_at" : "created_at"} desc, id${binary(db)} desc`;

/**
 * Past this many events SQLite reads an action's or an actor's events back in time, the filter
 * checked on each: found through its index, every match is sorted before the first page (every
 * "user." event of a million took 2 s), where a walk back in time soon has a page of them. Fewer
 * are found and sorted in a few milliseconds, and a walk could pass over the whole log to find them.
 */
const SORTED_MATCHES = 10_000;

const fewToSort = async (db: Db, tenantId: string, filters: AuditLogFilters) =>
  (await countAuditEvents(db, tenantId, filters, SORTED_MATCHES, plannerDecides(filters))).totalKind === "exact";

/**
 * Which index SQLite reads a page by: the target's when one is named; an actor's when they acted
 * fewer than SORTED_MATCHES times; the action's likewise; else the log back in time. Each is
 * counted alone on its own index, at most SORTED_MATCHES + 1 entries.
 */
export async function auditReadPlan(db: Db, tenantId: string, filters: AuditLogFilters): Promise<AuditReadPlan> {
  // No actor matched: the page is empty whichever index is read.
  if (db.dialect !== "sqlite" || filters.actorKeys?.length === 0) return plannerDecides(filters);
  const actorKeys = filters.actorKeys?.length ? filters.actorKeys : undefined;
  if (filters.targetIds) return { actorChecked: true, actionChecked: false, sortAfterLookup: true };
  if (actorKeys && (await fewToSort(db, tenantId, { actorKeys }))) return { actorChecked: false, actionChecked: true, sortAfterLookup: true };
  const action = filters.action?.trim();
  const byAction = !!action && (await fewToSort(db, tenantId, { action }));
  return { actorChecked: !!actorKeys, actionChecked: !byAction, sortAfterLookup: false };
}

/**
 * The count of matching events, read no further than `cap` + 1 of them: an exact count walks every
 * event of the tenant, and the log only grows (a million events took 126 ms on SQLite, every page).
 * Exported so that tests can check its plan.
 */
export function auditCountQuery(db: Db, tenantId: string, filters: AuditLogFilters, cap: number, plan = plannerDecides(filters)): Fragment {
  const where = auditConditions(db, tenantId, filters, plan);
  return { sql: `select count(*) as n from (select 1 from audit_events where ${where.sql} limit ?) as matching`, args: [...where.args, cap + 1] };
}

/** How many events match: exact up to `cap`; past it, `cap` and "atLeast". */
export type AuditCount = { total: number; totalKind: "exact" | "atLeast" };

export async function countAuditEvents(db: Db, tenantId: string, filters: AuditLogFilters, cap: number, plan?: AuditReadPlan): Promise<AuditCount> {
  const query = auditCountQuery(db, tenantId, filters, cap, plan ?? (await auditReadPlan(db, tenantId, filters)));
  const n = (await prepared<{ n: number }>(db, query.sql).get(...query.args))?.n ?? 0;
  return n > cap ? { total: cap, totalKind: "atLeast" } : { total: n, totalKind: "exact" };
}

type PageInput = { tenantId: string; filters: AuditLogFilters; page: number; size: number; countCap: number };

/** A page's statement; exported so that tests can check its plan. */
export function auditPageQuery(db: Db, input: PageInput, plan = plannerDecides(input.filters)): Fragment {
  const where = auditConditions(db, input.tenantId, input.filters, plan);
  return {
    sql: `select ${AUDIT_EVENT_COLUMNS} from audit_events where ${where.sql} ${newestFirst(db, plan)} limit ? offset ?`,
    args: [...where.args, input.size, (input.page - 1) * input.size],
  };
}

/** One page of a tenant's audit events, newest first (`page` starts at 1), with the count of all that match (see countAuditEvents). */
export async function listAuditEvents(db: Db, input: PageInput): Promise<AuditLogPage> {
  const plan = await auditReadPlan(db, input.tenantId, input.filters);
  const query = auditPageQuery(db, input, plan);
  const events = (await prepared<AuditEventRow>(db, query.sql).all(...query.args)).map(auditEventFromRow);
  const offset = (input.page - 1) * input.size;
  // A page that is not full is the last one: it gives the total without a count (a rare actor's
  // events would otherwise be searched for twice).
  if (events.length < input.size && (events.length > 0 || offset === 0)) return { total: offset + events.length, totalKind: "exact", events };
  return { ...(await countAuditEvents(db, input.tenantId, input.filters, input.countCap, plan)), events };
}

/**
 * Reads matching events newest first in chunks of `chunkSize`, at most `limit` in all. Each chunk
 * continues after the last row of the previous one (keyset), so late chunks cost as much as the
 * first and events written meanwhile neither repeat nor shift rows.
 */
export async function* auditEventChunks(
  db: Db,
  input: { tenantId: string; filters: AuditLogFilters; limit: number; chunkSize?: number; plan?: AuditReadPlan },
): AsyncGenerator<AuditEvent[], void, undefined> {
  const plan = input.plan ?? (await auditReadPlan(db, input.tenantId, input.filters));
  const where = auditConditions(db, input.tenantId, input.filters, plan);
  const chunkSize = input.chunkSize ?? 1_000;
  const order = newestFirst(db, plan);
  // The outer "<=" gives the (tenant_id, created_at) index a range to start from, when it is the one read.
  const at = plan.sortAfterLookup ? checkedOnly(db.dialect, "created_at") : "created_at";
  const keyset = `${at} <= ? and (${at} < ? or id${binary(db)} < ?)`;
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
  for (const type of LABELLED_TARGETS) {
    const targetIds = ids(type);
    if (targetIds.length === 0) continue;
    const query = auditTargetLabelQuery(db, type, tenantId, targetIds);
    for (const row of await prepared<{ id: string; label: string }>(db, query.sql).all(...query.args)) labels.set(row.id, row.label);
  }
  return labels;
}

const LABELLED_TARGETS = ["user", "admin", "token"] as const;

/** The labels of targets of one type, found by their ids (the tenant only checked); exported so that tests can check its plan. */
export function auditTargetLabelQuery(db: Db, type: (typeof LABELLED_TARGETS)[number], tenantId: string, targetIds: readonly string[]): Fragment {
  const list = inList(targetIds);
  const sql = {
    user: `select id, email as label from users where ${checkedOnly(db.dialect, "tenant_id")} = ? and id in ${list.sql}`,
    admin: `select a.id, u.email as label from admins a join users u on u.id = a.user_id where ${checkedOnly(db.dialect, "a.tenant_id")} = ? and a.id in ${list.sql}`,
    token: `select id, name as label from personal_access_tokens where ${checkedOnly(db.dialect, "tenant_id")} = ? and id in ${list.sql}`,
  }[type];
  return { sql, args: [tenantId, ...list.values] };
}
