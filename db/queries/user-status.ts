import type { Db } from "../client";
import { inTransaction, prepared, type Connection } from "../prepared";
import type { ActorRef } from "../schema";
import { recordAuditEvent } from "./audit";

// The only module that switches a user on or off (db/one-way.test.ts holds db/ to it). Single
// calls and bulk leaver jobs apply the same functions; only the transaction around them differs.
// Plain prepared SQL: deactivation is the API's hot write path.

/** Who changes the user: an admin in the console or a token, with the admin's own user. */
export type StatusActor = { type: "admin" | "token"; id: string; name: string; userId: string };

type StatusChange = {
  tenantId: string;
  userId: string;
  actor: StatusActor;
  requestId?: string | null;
  /** Extra fields for the change's audit event (a reason, a bulk job's id and ticket). */
  auditDetails?: Record<string, unknown>;
  /** Whether a change that finds nothing to do is audited too (single calls: yes; bulk jobs keep it on the job row). */
  auditNoop?: boolean;
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

const SQL = {
  findUser: "select id, active, email, deactivated_at as deactivatedAt from users where id = ? and tenant_id = ?",
  deactivate: `update users set active = 0, state = 'inactive:deactivated', deactivated_at = ?, deactivated_by = ?, updated_at = ?, updated_by = ?
               where id = ?`,
  reactivate: `update users set active = 1, state = 'active:available', deactivated_at = null, deactivated_by = null, updated_at = ?, updated_by = ?
               where id = ?`,
  revokeTokens: `update personal_access_tokens set revoked_at = ?, updated_at = ?
                 where revoked_at is null and admin_id in (select id from admins where user_id = ?)`,
  revokeSessions: `update sessions set revoked_at = ?, updated_at = ?
                   where revoked_at is null and admin_id in (select id from admins where user_id = ?)`,
} as const;

type UserState = { id: string; active: number; email: string; deactivatedAt: number | null };

const findUser = (db: Connection, input: StatusChange) => prepared<UserState>(db, SQL.findUser).get(input.userId, input.tenantId);
const actorRef = (actor: StatusActor) => JSON.stringify({ id: actor.userId, name: actor.name } satisfies ActorRef);

function audit(db: Connection, input: StatusChange, action: string, outcome: string, details: Record<string, unknown>, now: number): void {
  recordAuditEvent(db, {
    tenantId: input.tenantId,
    actorType: input.actor.type,
    actorId: input.actor.id,
    actorName: input.actor.name,
    action,
    targetType: "user",
    targetId: input.userId,
    outcome,
    requestId: input.requestId ?? null,
    details,
    createdAt: now,
  });
}

/**
 * The effects of deactivating one user — the user row, every token and console session the user
 * holds as an admin, one audit event — without a transaction of its own: the caller's transaction
 * (one per call, or one per bulk batch) makes them atomic. Another tenant's user is "not-found".
 */
export function applyDeactivation(db: Connection, input: DeactivationInput, now: number): DeactivationResult {
  const user = findUser(db, input);
  if (!user) return { status: "not-found" };
  if (!user.active) {
    if (input.auditNoop !== false) audit(db, input, "user.deactivate", "already_inactive", { email: user.email }, now);
    return { status: "already-inactive" };
  }
  const by = actorRef(input.actor);
  prepared(db, SQL.deactivate).run(now, by, now, by, user.id);
  const tokensRevoked = prepared(db, SQL.revokeTokens).run(now, now, user.id).changes;
  const sessionsRevoked = prepared(db, SQL.revokeSessions).run(now, now, user.id).changes;
  audit(db, input, "user.deactivate", "deactivated", { email: user.email, tokensRevoked, sessionsRevoked, ...input.auditDetails }, now);
  return { status: "deactivated", tokensRevoked, sessionsRevoked };
}

/**
 * The effects of switching a deactivated user back on, with one audit event, inside the caller's
 * transaction. Tokens and console sessions revoked at deactivation stay revoked: a returning admin
 * signs in again and issues new tokens.
 */
export function applyReactivation(db: Connection, input: ReactivationInput, now: number): ReactivationResult {
  const user = findUser(db, input);
  if (!user) return { status: "not-found" };
  if (user.active) {
    if (input.auditNoop !== false) audit(db, input, "user.reactivate", "already_active", { email: user.email }, now);
    return { status: "already-active" };
  }
  const guarded = input.onlyIfDeactivatedAt !== undefined;
  if (guarded && input.onlyIfDeactivatedAt !== user.deactivatedAt) return { status: "deactivated-again" };
  prepared(db, SQL.reactivate).run(now, actorRef(input.actor), user.id);
  const when = !guarded && user.deactivatedAt !== null ? { deactivatedAt: new Date(user.deactivatedAt).toISOString() } : {};
  audit(db, input, "user.reactivate", "reactivated", { email: user.email, ...when, ...input.auditDetails }, now);
  return { status: "reactivated" };
}

/**
 * Deactivates a user of a tenant in one immediate transaction (see applyDeactivation). A user
 * already inactive is left as it is and the audit log records the no-op.
 */
export function deactivateUser(db: Db, input: Omit<DeactivationInput, "auditNoop">, now = Date.now()): DeactivationResult {
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
): Exclude<ReactivationResult, { status: "deactivated-again" }> {
  return inTransaction(db, "immediate", () => applyReactivation(db, input, now)) as Exclude<ReactivationResult, { status: "deactivated-again" }>;
}
