import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { Db } from "../client";
import type { ActorRef } from "../schema";

export type DeactivationActor = { type: "admin" | "token"; id: string; name: string; userId: string };

export type DeactivationResult =
  | { status: "deactivated"; tokensRevoked: number; sessionsRevoked: number }
  | { status: "already-inactive" }
  | { status: "not-found" };

// Plain prepared statements, cached per connection: this is the API's hot write path, and
// building the same queries through the ORM on every call cost more than the writes themselves.
const SQL = {
  findUser: "select id, active, email from users where id = ? and tenant_id = ?",
  deactivateUser: `update users set active = 0, state = 'inactive:deactivated', deactivated_at = ?, deactivated_by = ?,
                   updated_at = ?, updated_by = ? where id = ?`,
  revokeTokens: `update personal_access_tokens set revoked_at = ?, updated_at = ?
                 where revoked_at is null and admin_id in (select id from admins where user_id = ?)`,
  revokeSessions: `update sessions set revoked_at = ?, updated_at = ?
                   where revoked_at is null and admin_id in (select id from admins where user_id = ?)`,
  insertAudit: `insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id,
                outcome, request_id, details, created_at) values (?, ?, ?, ?, ?, 'user.deactivate', 'user', ?, ?, ?, ?, ?)`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };
const cache = new WeakMap<Database.Database, Statements>();

function statementsFor(sqlite: Database.Database): Statements {
  let statements = cache.get(sqlite);
  if (!statements) {
    statements = Object.fromEntries(Object.entries(SQL).map(([name, text]) => [name, sqlite.prepare(text)])) as Statements;
    cache.set(sqlite, statements);
  }
  return statements;
}

export type DeactivationInput = {
  tenantId: string;
  userId: string;
  actor: DeactivationActor;
  requestId?: string | null;
  /** Extra fields for the deactivation's audit event (a reason, a bulk job's id and ticket). */
  auditDetails?: Record<string, unknown>;
  /** Whether deactivating an already inactive user is recorded too (single calls: yes; bulk jobs keep it on the job row). */
  auditNoop?: boolean;
};

/**
 * The effects of deactivating one user — the user row, every token and console session the user
 * holds as an admin, one audit event — without a transaction of its own: the caller's transaction
 * (one per call, or one per bulk batch) makes them atomic.
 */
export function applyDeactivation(sqlite: Database.Database, input: DeactivationInput, now: number): DeactivationResult {
  const statements = statementsFor(sqlite);
  const user = statements.findUser.get(input.userId, input.tenantId) as { id: string; active: number; email: string } | undefined;
  if (!user) return { status: "not-found" };
  const audit = (outcome: string, details: Record<string, unknown>) =>
    statements.insertAudit.run(
      randomUUID(), input.tenantId, input.actor.type, input.actor.id, input.actor.name, user.id, outcome,
      input.requestId ?? null, JSON.stringify(details), now,
    );
  if (!user.active) {
    if (input.auditNoop !== false) audit("already_inactive", { email: user.email });
    return { status: "already-inactive" };
  }
  const actorRef = JSON.stringify({ id: input.actor.userId, name: input.actor.name } satisfies ActorRef);
  statements.deactivateUser.run(now, actorRef, now, actorRef, user.id);
  const tokensRevoked = statements.revokeTokens.run(now, now, user.id).changes;
  const sessionsRevoked = statements.revokeSessions.run(now, now, user.id).changes;
  audit("deactivated", { email: user.email, tokensRevoked, sessionsRevoked, ...input.auditDetails });
  return { status: "deactivated", tokensRevoked, sessionsRevoked };
}

const transactions = new WeakMap<Database.Database, Database.Transaction<(input: DeactivationInput, now: number) => DeactivationResult>>();

/**
 * Deactivates a user of a tenant in one immediate transaction: the user row, every token and
 * console session the user holds as an admin, and one audit event. A user already inactive is
 * left as it is and the audit log records the no-op. Another tenant's user is "not-found".
 */
export function deactivateUser(db: Db, input: Omit<DeactivationInput, "auditNoop">, now = Date.now()): DeactivationResult {
  const sqlite = db.$client;
  let run = transactions.get(sqlite);
  if (!run) transactions.set(sqlite, (run = sqlite.transaction((i: DeactivationInput, at: number) => applyDeactivation(sqlite, i, at))));
  return run.immediate(input, now);
}
