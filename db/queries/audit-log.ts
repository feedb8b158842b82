import { and, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { admins, auditEvents, personalAccessTokens, users, type AuditEvent, type EmailKey } from "../schema";

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

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The smallest string greater than every string starting with `prefix`, so a prefix match is an index range. */
function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

function prefixRange(prefix: string): SQL {
  return and(gte(auditEvents.action, prefix), lt(auditEvents.action, prefixUpperBound(prefix)))!;
}

function actionCondition(action: string): SQL {
  const prefix = action.endsWith("*") ? action.slice(0, -1) : action.endsWith(".") ? action : null;
  if (prefix !== null) return prefix === "" ? sql`1 = 1` : prefixRange(prefix);
  // "user.deactivate" also finds "user.deactivate.undo"; "user" finds every "user.*" action.
  return or(eq(auditEvents.action, action), prefixRange(`${action}.`))!;
}

/**
 * What an admin typed in the target filter, as target ids: the text itself (ids are lower case,
 * so also its lower-case form), plus the id of the tenant's user when the text is a user's email
 * (`emailKey`: the text as an email key, or null when it is no address).
 */
export function auditTargetIds(db: Db, tenantId: string, target: string, emailKey: EmailKey | null): string[] {
  const text = target.trim();
  const ids = new Set([text, text.toLowerCase()]);
  if (emailKey) {
    const user = db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.emailNormalized, emailKey)))
      .get();
    if (user) ids.add(user.id);
  }
  return [...ids];
}

function auditConditions(tenantId: string, filters: AuditLogFilters): SQL {
  const conditions: SQL[] = [eq(auditEvents.tenantId, tenantId)];
  const actor = filters.actor?.trim().toLowerCase();
  if (actor) {
    const pattern = `%${escapeLike(actor)}%`;
    conditions.push(sql`(lower(${auditEvents.actorName}) like ${pattern} escape '\\' or lower(${auditEvents.actorId}) like ${pattern} escape '\\')`);
  }
  const action = filters.action?.trim();
  if (action) conditions.push(actionCondition(action));
  if (filters.targetIds) conditions.push(filters.targetIds.length > 0 ? inArray(auditEvents.targetId, filters.targetIds) : sql`0 = 1`);
  if (filters.from !== undefined) conditions.push(gte(auditEvents.createdAt, filters.from));
  if (filters.to !== undefined) conditions.push(lte(auditEvents.createdAt, filters.to));
  return and(...conditions)!;
}

/**
 * Newest first. With a target filter, `+created_at` keeps SQLite from walking the whole tenant in
 * time order (to skip a sort) when the (tenant_id, target_id) index finds the few matching rows directly.
 */
function newestFirst(filters: AuditLogFilters) {
  const createdAt = filters.targetIds ? sql`+${auditEvents.createdAt}` : auditEvents.createdAt;
  return [desc(createdAt), desc(auditEvents.id)];
}

export function countAuditEvents(db: Db, tenantId: string, filters: AuditLogFilters): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(auditEvents)
      .where(auditConditions(tenantId, filters))
      .get()?.n ?? 0
  );
}

/** One page of a tenant's audit events, newest first; `page` starts at 1. */
export function listAuditEvents(db: Db, input: { tenantId: string; filters: AuditLogFilters; page: number; size: number }): AuditLogPage {
  const total = countAuditEvents(db, input.tenantId, input.filters);
  const events = db
    .select()
    .from(auditEvents)
    .where(auditConditions(input.tenantId, input.filters))
    .orderBy(...newestFirst(input.filters))
    .limit(input.size)
    .offset((input.page - 1) * input.size)
    .all();
  return { total, events };
}

/**
 * Reads matching events newest first in chunks of `chunkSize`, at most `limit` in all. Each chunk
 * continues after the last row of the previous one (keyset), so late chunks cost as much as the
 * first and events written meanwhile neither repeat nor shift rows.
 */
export function* auditEventChunks(
  db: Db,
  input: { tenantId: string; filters: AuditLogFilters; limit: number; chunkSize?: number },
): Generator<AuditEvent[], void, undefined> {
  const where = auditConditions(input.tenantId, input.filters);
  const chunkSize = input.chunkSize ?? 1_000;
  let remaining = input.limit;
  let after: { createdAt: number; id: string } | null = null;
  while (remaining > 0) {
    const keyset: SQL | undefined = after
      ? // The outer "<=" gives the (tenant_id, created_at) index a range to start from.
        and(lte(auditEvents.createdAt, after.createdAt), or(lt(auditEvents.createdAt, after.createdAt), lt(auditEvents.id, after.id)))
      : undefined;
    const rows: AuditEvent[] = db
      .select()
      .from(auditEvents)
      .where(keyset ? and(where, keyset) : where)
      .orderBy(...newestFirst(input.filters))
      .limit(Math.min(chunkSize, remaining))
      .all();
    if (rows.length === 0) return;
    yield rows;
    remaining -= rows.length;
    const last: AuditEvent = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
    if (rows.length < chunkSize) return;
  }
}

/**
 * What a person recognises each event's target by: a user's email, an admin's email, a token's
 * name; keyed by target id. Read for one page (or export chunk) of events at a time.
 */
export function auditTargetLabels(db: Db, tenantId: string, events: readonly Pick<AuditEvent, "targetType" | "targetId">[]): Map<string, string> {
  const ids = (type: string) => [...new Set(events.filter((e) => e.targetType === type && e.targetId).map((e) => e.targetId as string))];
  const labels = new Map<string, string>();
  const userIds = ids("user");
  if (userIds.length) {
    for (const row of db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), inArray(users.id, userIds)))
      .all())
      labels.set(row.id, row.email);
  }
  const adminIds = ids("admin");
  if (adminIds.length) {
    const rows = db
      .select({ id: admins.id, email: users.email })
      .from(admins)
      .innerJoin(users, eq(users.id, admins.userId))
      .where(and(eq(admins.tenantId, tenantId), inArray(admins.id, adminIds)))
      .all();
    for (const row of rows) labels.set(row.id, row.email);
  }
  const tokenIds = ids("token");
  if (tokenIds.length) {
    const rows = db
      .select({ id: personalAccessTokens.id, name: personalAccessTokens.name })
      .from(personalAccessTokens)
      .where(and(eq(personalAccessTokens.tenantId, tenantId), inArray(personalAccessTokens.id, tokenIds)))
      .all();
    for (const row of rows) labels.set(row.id, row.name);
  }
  return labels;
}
