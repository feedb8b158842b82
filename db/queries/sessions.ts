import { randomUUID } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { admins, sessions, tenants, users, type AdminRole, type EmailKey } from "../schema";
import { recordAuditEvent } from "./audit";

export type SessionPrincipalRow = {
  sessionId: string;
  tenantId: string;
  tenantName: string;
  csrfToken: string;
  expiresAt: number;
  adminId: string;
  role: AdminRole;
  userId: string;
  userName: string;
  userEmail: string;
};

/** A live session (not revoked, not expired, its admin's user still active) by the hash of its cookie. */
export function findLiveSession(db: Db, tokenHash: string, now = Date.now()): SessionPrincipalRow | undefined {
  return db
    .select({
      sessionId: sessions.id,
      tenantId: sessions.tenantId,
      tenantName: tenants.name,
      csrfToken: sessions.csrfToken,
      expiresAt: sessions.expiresAt,
      adminId: admins.id,
      role: admins.role,
      userId: users.id,
      userName: users.name,
      userEmail: users.email,
    })
    .from(sessions)
    .innerJoin(admins, eq(admins.id, sessions.adminId))
    .innerJoin(users, eq(users.id, admins.userId))
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), eq(users.active, true)))
    .get();
}

export function createSession(db: Db, input: { tenantId: string; adminId: string; tokenHash: string; csrfToken: string; expiresAt: number }, now = Date.now()) {
  const id = randomUUID();
  db.insert(sessions)
    .values({ id, ...input, lastSeenAt: now, createdAt: now, updatedAt: now })
    .run();
  return id;
}

export function revokeSession(db: Db, sessionId: string, now = Date.now()): void {
  db.update(sessions)
    .set({ revokedAt: now, updatedAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .run();
}

export type SignInCandidate = { adminId: string; tenantId: string; userId: string; userName: string; passwordHash: string; active: boolean };

/** Admin accounts with this email, across tenants (an email may administer several). */
export function findSignInCandidates(db: Db, emailKey: EmailKey): SignInCandidate[] {
  return db
    .select({
      adminId: admins.id,
      tenantId: admins.tenantId,
      userId: users.id,
      userName: users.name,
      passwordHash: admins.passwordHash,
      active: users.active,
    })
    .from(admins)
    .innerJoin(users, eq(users.id, admins.userId))
    .where(eq(users.emailNormalized, emailKey))
    .all();
}

export type SignInAuditOutcome = "success" | "failed" | "throttled";

/**
 * Records a sign-in attempt on a known admin account in its tenant's audit log, named after the
 * admin so the log reads who was tried. `details` carries the client address (and, for a
 * throttled attempt, which limit refused it); attempts on unknown emails are never recorded here.
 */
export function recordSignInAttempt(
  db: Db,
  candidate: Pick<SignInCandidate, "adminId" | "tenantId" | "userName">,
  outcome: SignInAuditOutcome,
  details: Record<string, unknown>,
  now = Date.now(),
): void {
  recordAuditEvent(db, {
    tenantId: candidate.tenantId,
    actorType: "admin",
    actorId: candidate.adminId,
    actorName: candidate.userName,
    action: "session.sign_in",
    targetType: "admin",
    targetId: candidate.adminId,
    outcome,
    details,
    createdAt: now,
  });
}
