import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { admins, personalAccessTokens, sessions, users, type ActorRef } from "../schema";
import { recordAuditEvent } from "./audit";

export type DeactivationActor = { type: "admin" | "token"; id: string; name: string; userId: string };

export type DeactivationResult =
  | { status: "deactivated"; tokensRevoked: number; sessionsRevoked: number }
  | { status: "already-inactive" }
  | { status: "not-found" };

/**
 * Deactivates a user of a tenant in one immediate transaction: the user row, every token and
 * console session the user holds as an admin, and one audit event. A user already inactive is
 * left as it is and the audit log records the no-op. Another tenant's user is "not-found".
 */
export function deactivateUser(
  db: Db,
  input: { tenantId: string; userId: string; actor: DeactivationActor; requestId?: string; reason?: string },
  now = Date.now(),
): DeactivationResult {
  return db.transaction(
    (tx) => {
      const user = tx
        .select({ id: users.id, active: users.active, email: users.email })
        .from(users)
        .where(and(eq(users.id, input.userId), eq(users.tenantId, input.tenantId)))
        .get();
      if (!user) return { status: "not-found" } as const;
      const audit = {
        tenantId: input.tenantId,
        actorType: input.actor.type,
        actorId: input.actor.id,
        actorName: input.actor.name,
        targetType: "user",
        targetId: user.id,
        requestId: input.requestId ?? null,
        createdAt: now,
      };
      if (!user.active) {
        recordAuditEvent(tx, { ...audit, action: "user.deactivate", outcome: "already_inactive", details: { email: user.email } });
        return { status: "already-inactive" } as const;
      }
      const actorRef: ActorRef = { id: input.actor.userId, name: input.actor.name };
      tx.update(users)
        .set({ active: false, state: "inactive:deactivated", deactivatedAt: now, deactivatedBy: actorRef, updatedAt: now, updatedBy: actorRef })
        .where(eq(users.id, user.id))
        .run();
      const adminIds = tx.select({ id: admins.id }).from(admins).where(eq(admins.userId, user.id)).all().map((a) => a.id);
      let tokensRevoked = 0;
      let sessionsRevoked = 0;
      if (adminIds.length > 0) {
        tokensRevoked = tx
          .update(personalAccessTokens)
          .set({ revokedAt: now, updatedAt: now })
          .where(and(inArray(personalAccessTokens.adminId, adminIds), isNull(personalAccessTokens.revokedAt)))
          .run().changes;
        sessionsRevoked = tx
          .update(sessions)
          .set({ revokedAt: now, updatedAt: now })
          .where(and(inArray(sessions.adminId, adminIds), isNull(sessions.revokedAt)))
          .run().changes;
      }
      recordAuditEvent(tx, {
        ...audit,
        action: "user.deactivate",
        outcome: "deactivated",
        details: { email: user.email, tokensRevoked, sessionsRevoked, ...(input.reason ? { reason: input.reason } : {}) },
      });
      return { status: "deactivated", tokensRevoked, sessionsRevoked } as const;
    },
    { behavior: "immediate" },
  );
}
