import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { users, type ActorRef } from "../schema";
import { recordAuditEvent } from "./audit";
import type { DeactivationActor } from "./deactivation";

export type ReactivationResult = { status: "reactivated" } | { status: "already-active" } | { status: "not-found" };

/**
 * Switches a deactivated user of a tenant back on, with its own audit event, in one immediate
 * transaction. Tokens and console sessions revoked at deactivation stay revoked: a returning
 * admin signs in again and issues new tokens. An active user is left alone and the no-op audited.
 */
export function reactivateUser(
  db: Db,
  input: { tenantId: string; userId: string; actor: DeactivationActor; requestId?: string },
  now = Date.now(),
): ReactivationResult {
  return db.transaction(
    (tx) => {
      const user = tx
        .select({ id: users.id, active: users.active, email: users.email, deactivatedAt: users.deactivatedAt })
        .from(users)
        .where(and(eq(users.id, input.userId), eq(users.tenantId, input.tenantId)))
        .get();
      if (!user) return { status: "not-found" } as const;
      const audit = {
        tenantId: input.tenantId,
        actorType: input.actor.type,
        actorId: input.actor.id,
        actorName: input.actor.name,
        action: "user.reactivate",
        targetType: "user",
        targetId: user.id,
        requestId: input.requestId ?? null,
        createdAt: now,
      };
      if (user.active) {
        recordAuditEvent(tx, { ...audit, outcome: "already_active", details: { email: user.email } });
        return { status: "already-active" } as const;
      }
      const actorRef: ActorRef = { id: input.actor.userId, name: input.actor.name };
      tx.update(users)
        .set({ active: true, state: "active:available", deactivatedAt: null, deactivatedBy: null, updatedAt: now, updatedBy: actorRef })
        .where(eq(users.id, user.id))
        .run();
      recordAuditEvent(tx, {
        ...audit,
        outcome: "reactivated",
        details: { email: user.email, ...(user.deactivatedAt !== null ? { deactivatedAt: new Date(user.deactivatedAt).toISOString() } : {}) },
      });
      return { status: "reactivated" } as const;
    },
    { behavior: "immediate" },
  );
}
