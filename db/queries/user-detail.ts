import { and, asc, count, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { admins, auditEvents, personalAccessTokens, sessions, userEmails, users, type AdminRole, type AuditEvent, type User } from "../schema";
import { listIdentitiesOfUser, type IdentityView } from "./identities";
import { mobilesOfUsers, type Mobiles } from "./user-directory";

export const USER_AUDIT_HISTORY_LIMIT = 50;

export type UserConsoleAccess = {
  /** The user's console role, or null when they are not an admin of the tenant. */
  adminRole: AdminRole | null;
  /** Tokens and sessions that a deactivation would revoke now (not revoked, not expired). */
  liveTokens: number;
  liveSessions: number;
};

export type UserDetail = {
  user: User;
  contacts: { primaryEmail: string; otherEmails: { email: string; label: string }[] } & Mobiles;
  identities: IdentityView[];
  access: UserConsoleAccess;
  /** The latest events targeting the user, newest first; null when the caller may not read the audit log. */
  audit: AuditEvent[] | null;
};

/**
 * Everything the console's user page shows about one user of a tenant, or undefined when the
 * tenant has no such user (another tenant's user is "not found" too).
 */
export function getUserDetail(
  db: Db,
  params: { tenantId: string; userId: string; includeAudit: boolean; auditLimit?: number },
  now = Date.now(),
): UserDetail | undefined {
  const user = db
    .select()
    .from(users)
    .where(and(eq(users.id, params.userId), eq(users.tenantId, params.tenantId)))
    .get();
  if (!user) return undefined;

  const otherEmails = db
    .select({ email: userEmails.email, label: userEmails.label })
    .from(userEmails)
    .where(and(eq(userEmails.userId, user.id), eq(userEmails.tenantId, params.tenantId)))
    .orderBy(asc(userEmails.createdAt), asc(userEmails.email))
    .all();
  const mobiles = mobilesOfUsers(db, params.tenantId, [user.id]).get(user.id) ?? { primaryMobile: null, secondaryMobile: null };

  return {
    user,
    contacts: { primaryEmail: user.email, otherEmails, ...mobiles },
    identities: listIdentitiesOfUser(db, params.tenantId, user.id),
    access: consoleAccessOfUser(db, params.tenantId, user.id, now),
    audit: params.includeAudit ? auditHistoryOfUser(db, params.tenantId, user.id, params.auditLimit ?? USER_AUDIT_HISTORY_LIMIT) : null,
  };
}

function consoleAccessOfUser(db: Db, tenantId: string, userId: string, now: number): UserConsoleAccess {
  const admin = db
    .select({ id: admins.id, role: admins.role })
    .from(admins)
    .where(and(eq(admins.userId, userId), eq(admins.tenantId, tenantId)))
    .get();
  if (!admin) return { adminRole: null, liveTokens: 0, liveSessions: 0 };
  const liveTokens =
    db
      .select({ n: count() })
      .from(personalAccessTokens)
      .where(
        and(
          eq(personalAccessTokens.adminId, admin.id),
          isNull(personalAccessTokens.revokedAt),
          or(isNull(personalAccessTokens.expiresAt), gt(personalAccessTokens.expiresAt, now)),
        ),
      )
      .get()?.n ?? 0;
  const liveSessions =
    db
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.adminId, admin.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
      .get()?.n ?? 0;
  return { adminRole: admin.role, liveTokens, liveSessions };
}

/** Newest first; events written in the same millisecond keep their insertion order (rowid). */
function auditHistoryOfUser(db: Db, tenantId: string, userId: string, limit = USER_AUDIT_HISTORY_LIMIT): AuditEvent[] {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.targetId, userId)))
    .orderBy(desc(auditEvents.createdAt), desc(sql`${auditEvents}.rowid`))
    .limit(limit)
    .all();
}
