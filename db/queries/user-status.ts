import type { Db } from "../client";
import { inList, inTransaction, prepared } from "../prepared";
import type { ActorRef } from "../schema";
import { recordAuditEvent, recordAuditEvents, type NewAuditEvent } from "./audit";

// The only module that switches a user on or off (db/one-way.test.ts holds db/ to it). Single
// calls and bulk leaver jobs apply the same functions; only the transaction around them differs.
// Plain prepared SQL: deactivation is the API's hot write path.

/**
 * Who changes the user: an admin in the console or a token (`userId`: the admin's own user), or an
 * identity provider through SCIM (`userId`: the provider's id, what deactivated_by and updated_by name).
 */
export type StatusActor = { type: "admin" | "token" | "provider"; id: string; name: string; userId: string };

type StatusChange = {
  tenantId: string;
  userId: string;
  actor: StatusActor;
  requestId?: string | null;
  /** Extra fields for the change's audit event (a reason, a bulk job's id and ticket). */
  auditDetails?: Record<string, unknown>;
  /** Whether a change that finds nothing to do is audited too (single calls: yes; bulk jobs keep it on the job row). */
  auditNoop?: boolean;
  /**
   * The caller's own check and write, run once the user is found (and row-locked on PostgreSQL) and
   * before anything of the change is written; false makes the user not-found, with nothing written.
   * It runs ahead of the audit event, which takes the tenant's audit chain head (a row lock every
   * audited write of the tenant waits for, on PostgreSQL) and holds it until the commit.
   */
  whenFound?: () => Promise<boolean>;
};

export type DeactivationInput = StatusChange;
export type DeactivationResult =
  { status: "deactivated"; tokensRevoked: number; sessionsRevoked: number } | { status: "already-inactive" } | { status: "not-found" };

export type ReactivationInput = StatusChange & {
  /**
   * Reactivate only while the user is still in the deactivation made at this time (a bulk undo
   * reverses its own job's deactivations, not a later one). Such a caller names the deactivation
   * itself, so the audit event does not repeat its time.
   */
  onlyIfDeactivatedAt?: number;
};
export type ReactivationResult = { status: "reactivated" } | { status: "already-active" } | { status: "not-found" } | { status: "deactivated-again" };

const FIND_USER = `select id, active, email, deactivated_at as "deactivatedAt" from users where id = ? and tenant_id = ?`;

const SQL = {
  // SQLite's immediate transaction already serializes writers. On PostgreSQL (READ COMMITTED) two
  // servers could both read "active" and both deactivate, auditing it twice: the row lock makes
  // the second wait and then read the first one's committed change.
  findUser: { sqlite: FIND_USER, postgres: `${FIND_USER} for update` },
  deactivate: `update users set active = false, state = 'inactive:deactivated', deactivated_at = ?, deactivated_by = ?, updated_at = ?, updated_by = ?
               where id = ?`,
  reactivate: `update users set active = true, state = 'active:available', deactivated_at = null, deactivated_by = null, updated_at = ?, updated_by = ?
               where id = ?`,
  revokeTokens: `update personal_access_tokens set revoked_at = ?, updated_at = ?
                 where revoked_at is null and admin_id in (select id from admins where user_id = ?)`,
  revokeSessions: `update sessions set revoked_at = ?, updated_at = ?
                   where revoked_at is null and admin_id in (select id from admins where user_id = ?)`,
} as const;

type UserState = { id: string; active: number; email: string; deactivatedAt: number | null };

/** The user of the change, row-locked on PostgreSQL, once the caller's whenFound has passed. */
async function findUser(db: Db, input: StatusChange): Promise<UserState | undefined> {
  const user = await prepared<UserState>(db, SQL.findUser[db.dialect]).get(input.userId, input.tenantId);
  return user && (!input.whenFound || (await input.whenFound())) ? user : undefined;
}
const actorRef = (actor: StatusActor) => JSON.stringify({ id: actor.userId, name: actor.name } satisfies ActorRef);

type ChangeOf = Omit<StatusChange, "userId" | "auditDetails" | "auditNoop" | "whenFound">;

const auditEvent = (input: ChangeOf, userId: string, action: string, outcome: string, details: Record<string, unknown>, now: number): NewAuditEvent => ({
  tenantId: input.tenantId,
  actorType: input.actor.type,
  actorId: input.actor.id,
  actorName: input.actor.name,
  action,
  targetType: "user",
  targetId: userId,
  outcome,
  requestId: input.requestId ?? null,
  details,
  createdAt: now,
});

async function audit(db: Db, input: StatusChange, action: string, outcome: string, details: Record<string, unknown>, now: number): Promise<void> {
  await recordAuditEvent(db, auditEvent(input, input.userId, action, outcome, details, now));
}

/**
 * The effects of deactivating one user — the user row, every token and console session the user
 * holds as an admin, one audit event — without a transaction of its own: the caller's transaction
 * (one per call, or one per bulk batch) makes them atomic. Another tenant's user is "not-found".
 */
export async function applyDeactivation(db: Db, input: DeactivationInput, now: number): Promise<DeactivationResult> {
  const user = await findUser(db, input);
  if (!user) return { status: "not-found" };
  if (!user.active) {
    if (input.auditNoop !== false) await audit(db, input, "user.deactivate", "already_inactive", { email: user.email }, now);
    return { status: "already-inactive" };
  }
  const result = await switchOff(db, input, user.id, now, true);
  await recordAuditEvent(db, deactivatedEvent(input, user, result, input.auditDetails, now));
  return result;
}

/**
 * The writes of deactivating a user found active: the user row, and the tokens and console sessions
 * it holds as an admin unless the caller knows it is no admin (`mayHoldAdmin` false: it holds none).
 */
async function switchOff(db: Db, input: ChangeOf, userId: string, now: number, mayHoldAdmin: boolean) {
  const by = actorRef(input.actor);
  await prepared(db, SQL.deactivate).run(now, by, now, by, userId);
  const tokensRevoked = mayHoldAdmin ? (await prepared(db, SQL.revokeTokens).run(now, now, userId)).changes : 0;
  const sessionsRevoked = mayHoldAdmin ? (await prepared(db, SQL.revokeSessions).run(now, now, userId)).changes : 0;
  return { status: "deactivated" as const, tokensRevoked, sessionsRevoked };
}

const deactivatedEvent = (
  input: ChangeOf,
  user: { id: string; email: string },
  { tokensRevoked, sessionsRevoked }: { tokensRevoked: number; sessionsRevoked: number },
  auditDetails: Record<string, unknown> | undefined,
  now: number,
) => auditEvent(input, user.id, "user.deactivate", "deactivated", { email: user.email, tokensRevoked, sessionsRevoked, ...auditDetails }, now);

/**
 * The effects of switching a deactivated user back on, with one audit event, inside the caller's
 * transaction. Tokens and console sessions revoked at deactivation stay revoked: a returning admin
 * signs in again and issues new tokens.
 */
export async function applyReactivation(db: Db, input: ReactivationInput, now: number): Promise<ReactivationResult> {
  const user = await findUser(db, input);
  if (!user) return { status: "not-found" };
  if (user.active) {
    if (input.auditNoop !== false) await audit(db, input, "user.reactivate", "already_active", { email: user.email }, now);
    return { status: "already-active" };
  }
  if (input.onlyIfDeactivatedAt !== undefined && input.onlyIfDeactivatedAt !== user.deactivatedAt) return { status: "deactivated-again" };
  await prepared(db, SQL.reactivate).run(now, actorRef(input.actor), user.id);
  await audit(db, input, "user.reactivate", "reactivated", reactivatedDetails(user, input), now);
  return { status: "reactivated" };
}

// A caller that names the deactivation it undoes (onlyIfDeactivatedAt) knows its time already.
const reactivatedDetails = (user: UserState, change: { onlyIfDeactivatedAt?: number; auditDetails?: Record<string, unknown> }) => ({
  email: user.email,
  ...(change.onlyIfDeactivatedAt === undefined && user.deactivatedAt !== null ? { deactivatedAt: new Date(user.deactivatedAt).toISOString() } : {}),
  ...change.auditDetails,
});

/**
 * Locks the users a batch is about to change, in id order, in the caller's transaction (PostgreSQL
 * only: SQLite's immediate transaction holds the whole database). Two batches naming the same
 * users in different orders then wait for one another instead of deadlocking on the row locks
 * that applyDeactivation and applyReactivation take one by one.
 */
export async function lockUsersInOrder(db: Db, userIds: readonly string[]): Promise<void> {
  if (db.dialect !== "postgres" || userIds.length === 0) return;
  const list = inList(userIds);
  await prepared(db, `select id from users where id in ${list.sql} order by id for update`).all(...list.values);
}

/** Changes of many users by one actor, as a leaver job's batch makes them: no-ops are not audited (the job row records them). */
export type BulkStatusChange<Extra = object> = ChangeOf & { users: readonly ({ userId: string; auditDetails?: Record<string, unknown> } & Extra)[] };
type ReactivationExtra = Pick<ReactivationInput, "onlyIfDeactivatedAt">;
type LockedUser = UserState & { tenantId: string };

// PostgreSQL's set-based batch: a few statements for the whole batch, where one user at a time
// took six round trips each (~2 s per 500 users). Ids travel as one text[] parameter.
const BULK_SQL = {
  // Locks and reads every user of the batch in one statement, in id order, as lockUsersInOrder does.
  lockUsers: `select id, tenant_id as "tenantId", active, email, deactivated_at as "deactivatedAt" from users where id = any(?::text[]) order by id for update`,
  // The users switched off and their tokens and sessions revoked in one statement, the revocations
  // counted per user for the audit events (data-modifying CTEs run to completion, read or not).
  // "admin_id = any(array(…))" looks tokens and sessions up on their admin_id index, as the
  // single-user statements do, whatever the planner estimates (a join could scan every session).
  deactivate: `with switched as (
      update users set active = false, state = 'inactive:deactivated', deactivated_at = @now, deactivated_by = @by, updated_at = @now, updated_by = @by
      where id = any(@ids::text[])
    ), holders as (select id, user_id from admins where user_id = any(@ids::text[])),
    tokens as (update personal_access_tokens set revoked_at = @now, updated_at = @now
      where admin_id = any(array(select id from holders)) and revoked_at is null returning admin_id),
    sessions as (update sessions set revoked_at = @now, updated_at = @now
      where admin_id = any(array(select id from holders)) and revoked_at is null returning admin_id)
    select h.user_id as "userId", 'tokens' as kind, count(*) as n from tokens t join holders h on h.id = t.admin_id group by h.user_id
    union all select h.user_id, 'sessions', count(*) from sessions s join holders h on h.id = s.admin_id group by h.user_id`,
  reactivate: `update users set active = true, state = 'active:available', deactivated_at = null, deactivated_by = null, updated_at = @now, updated_by = @by
    where id = any(@ids::text[])`,
} as const;

/** A PostgreSQL text[] literal: every element quoted, so that no id can break out of it. */
const textArray = (values: readonly string[]) => `{${values.map((value) => `"${value.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;

async function lockUsers(db: Db, input: BulkStatusChange): Promise<Map<string, LockedUser>> {
  const rows = await prepared<LockedUser>(db, BULK_SQL.lockUsers).all(textArray([...new Set(input.users.map((user) => user.userId))]));
  // Another tenant's user is "not-found", as findUser's tenant filter makes it.
  return new Map(rows.filter((row) => row.tenantId === input.tenantId).map((row) => [row.id, row]));
}

/**
 * applyDeactivation for each user in turn, with the same results, effects and audit events, in
 * the caller's transaction; a user named twice is "already-inactive" the second time. Set-based
 * on PostgreSQL; one by one on SQLite, where a statement costs microseconds, not a round trip.
 */
export async function applyDeactivations(db: Db, input: BulkStatusChange, now: number): Promise<DeactivationResult[]> {
  if (db.dialect === "sqlite") return deactivateEachOnSqlite(db, input, now);
  const users = await lockUsers(db, input);
  const switched = new Map<string, { status: "deactivated"; tokensRevoked: number; sessionsRevoked: number }>();
  const results = input.users.map(({ userId }): DeactivationResult => {
    const user = users.get(userId);
    if (!user) return { status: "not-found" };
    if (!user.active || switched.has(userId)) return { status: "already-inactive" };
    const result = { status: "deactivated" as const, tokensRevoked: 0, sessionsRevoked: 0 };
    switched.set(userId, result);
    return result;
  });
  if (switched.size === 0) return results;
  const by = actorRef(input.actor);
  const revoked = await prepared<{ userId: string; kind: "tokens" | "sessions"; n: number }>(db, BULK_SQL.deactivate).all({
    ids: textArray([...switched.keys()]),
    now,
    by,
  });
  for (const { userId, kind, n } of revoked) switched.get(userId)![kind === "tokens" ? "tokensRevoked" : "sessionsRevoked"] = n;
  const events = input.users.flatMap(({ userId, auditDetails }, i) => {
    const result = results[i]!;
    if (result.status !== "deactivated") return [];
    const { tokensRevoked, sessionsRevoked } = result;
    return [
      auditEvent(input, userId, "user.deactivate", "deactivated", { email: users.get(userId)!.email, tokensRevoked, sessionsRevoked, ...auditDetails }, now),
    ];
  });
  await recordAuditEvents(db, events);
  return results;
}

/** applyReactivation for each user in turn (see applyDeactivations): the same results, effects and audit events. */
export async function applyReactivations(db: Db, input: BulkStatusChange<ReactivationExtra>, now: number): Promise<ReactivationResult[]> {
  if (db.dialect === "sqlite") return inOrder(input, (change) => applyReactivation(db, { ...input, ...change, auditNoop: false }, now));
  const users = await lockUsers(db, input);
  const switched = new Set<string>();
  const events: NewAuditEvent[] = [];
  const results = input.users.map((change): ReactivationResult => {
    const user = users.get(change.userId);
    if (!user) return { status: "not-found" };
    if (user.active || switched.has(change.userId)) return { status: "already-active" };
    if (change.onlyIfDeactivatedAt !== undefined && change.onlyIfDeactivatedAt !== user.deactivatedAt) return { status: "deactivated-again" };
    switched.add(change.userId);
    events.push(auditEvent(input, change.userId, "user.reactivate", "reactivated", reactivatedDetails(user, change), now));
    return { status: "reactivated" };
  });
  if (switched.size === 0) return results;
  await prepared(db, BULK_SQL.reactivate).run({ ids: textArray([...switched]), now, by: actorRef(input.actor) });
  await recordAuditEvents(db, events);
  return results;
}

async function inOrder<Extra, Result>(
  input: BulkStatusChange<Extra>,
  apply: (change: BulkStatusChange<Extra>["users"][number]) => Promise<Result>,
): Promise<Result[]> {
  const results: Result[] = [];
  for (const change of input.users) results.push(await apply(change));
  return results;
}

/**
 * Deactivates a user of a tenant in one immediate transaction (see applyDeactivation). A user
 * already inactive is left as it is and the audit log records the no-op.
 */
export function deactivateUser(db: Db, input: Omit<DeactivationInput, "auditNoop">, now = Date.now()): Promise<DeactivationResult> {
  return inTransaction(db, "immediate", () => applyDeactivation(db, input, now));
}

/**
 * Reactivates a user of a tenant in one immediate transaction (see applyReactivation). An active
 * user is left alone and the no-op audited.
 */
export function reactivateUser(
  db: Db,
  input: Omit<ReactivationInput, "auditNoop" | "onlyIfDeactivatedAt">,
  now = Date.now(),
): Promise<Exclude<ReactivationResult, { status: "deactivated-again" }>> {
  return inTransaction(db, "immediate", () => applyReactivation(db, input, now)) as Promise<Exclude<ReactivationResult, { status: "deactivated-again" }>>;
}

const ADMINS_AMONG = (list: string) => `select user_id as "userId" from admins where user_id in ${list}`;

/**
 * SQLite's batch: the users one at a time, as applyDeactivation changes each (a statement costs
 * microseconds there, not a round trip), with what a batch can share done once: its admins read
 * together (only they hold tokens and console sessions, so the revocations run for them alone), and
 * its audit events appended to the chain together (one reservation of the head, not one per event).
 */
async function deactivateEachOnSqlite(db: Db, input: BulkStatusChange, now: number): Promise<DeactivationResult[]> {
  const admins = new Set<string>();
  const ids = [...new Set(input.users.map((user) => user.userId))];
  for (let start = 0; start < ids.length; start += 500) {
    const list = inList(ids.slice(start, start + 500));
    for (const row of await prepared<{ userId: string }>(db, ADMINS_AMONG(list.sql)).all(...list.values)) admins.add(row.userId);
  }
  const events: NewAuditEvent[] = [];
  const results = await inOrder(input, async (change): Promise<DeactivationResult> => {
    const user = await findUser(db, { ...input, ...change });
    if (!user) return { status: "not-found" };
    if (!user.active) return { status: "already-inactive" };
    const result = await switchOff(db, input, user.id, now, admins.has(user.id));
    events.push(deactivatedEvent(input, user, result, change.auditDetails, now));
    return result;
  });
  await recordAuditEvents(db, events);
  return results;
}
