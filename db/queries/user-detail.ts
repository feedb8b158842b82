import type { Db } from "../client";
import { prepared } from "../prepared";
import type { AdminRole, AuditEvent, User } from "../schema";
import { findSsoAccountOfAdmin } from "./admin-sso-subjects";
import { AUDIT_EVENT_COLUMNS, auditEventFromRow, type AuditEventRow } from "./audit";
import { listIdentitiesOfUser, type IdentityView } from "./identities";
import { LIVE } from "./session-list";
import { mobilesOfUsers, USER_COLUMNS, userFromRow, type Mobiles, type UserRow } from "./user-directory";

export const USER_AUDIT_HISTORY_LIMIT = 50;

export type UserConsoleAccess = {
  /** The user's console role, or null when they are not an admin of the tenant. */
  adminRole: AdminRole | null;
  /** Tokens (not revoked, not expired) and sessions (still opening the console) that a deactivation would end now. */
  liveTokens: number;
  liveSessions: number;
  /** The provider account the admin signs in with through SSO (docs/decisions/0021), once linked. */
  ssoAccount: { issuer: string; subject: string; linkedAt: number } | null;
};

export type UserDetail = {
  user: User;
  contacts: { primaryEmail: string; otherEmails: { email: string; label: string }[] } & Mobiles;
  identities: IdentityView[];
  access: UserConsoleAccess;
  /** The latest events targeting the user, newest first; null when the caller may not read the audit log. */
  audit: AuditEvent[] | null;
};

const USER = `select ${USER_COLUMNS} from users where id = ? and tenant_id = ?`;
const OTHER_EMAILS = "select email, label from user_emails where user_id = ? and tenant_id = ? order by created_at, email";
const ADMIN = "select id, role from admins where user_id = ? and tenant_id = ?";
const LIVE_TOKENS = "select count(*) as n from personal_access_tokens where admin_id = ? and revoked_at is null and (expires_at is null or expires_at > ?)";
const LIVE_SESSIONS = `select count(*) as n from sessions where admin_id = ? and ${LIVE}`;
// Newest first; events of the same millisecond in the order they were written. SQLite's rowid is
// that order; PostgreSQL has none, and its physical order (ctid) is it for this append-only table
// (a row may land in the space of a rolled-back insert: only events of one millisecond could swap).
// `+created_at`: SQLite would otherwise walk the whole tenant's log in time order to skip a sort of
// the user's few events (702 ms for a user's page on 895,895 events; docs/decisions/0029).
export const AUDIT_HISTORY = {
  sqlite: `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? and target_id = ? order by +created_at desc, rowid desc limit ?`,
  postgres: `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? and target_id = ? order by created_at desc, ctid desc limit ?`,
} as const;

/**
 * Everything the console's user page shows about one user of a tenant, or undefined when the
 * tenant has no such user (another tenant's user is "not found" too).
 */
export async function getUserDetail(
  db: Db,
  params: { tenantId: string; userId: string; includeAudit: boolean; auditLimit?: number; sessionIdleMs: number },
  now = Date.now(),
): Promise<UserDetail | undefined> {
  const row = await prepared<UserRow>(db, USER).get(params.userId, params.tenantId);
  if (!row) return undefined;
  const user = userFromRow(row);
  const otherEmails = await prepared<{ email: string; label: string }>(db, OTHER_EMAILS).all(user.id, params.tenantId);
  const mobiles = (await mobilesOfUsers(db, params.tenantId, [user.id])).get(user.id) ?? { primaryMobile: null, secondaryMobile: null };
  return {
    user,
    contacts: { primaryEmail: user.email, otherEmails, ...mobiles },
    identities: await listIdentitiesOfUser(db, params.tenantId, user.id),
    access: await consoleAccessOfUser(db, params.tenantId, user.id, params.sessionIdleMs, now),
    audit: params.includeAudit ? await auditHistoryOfUser(db, params.tenantId, user.id, params.auditLimit ?? USER_AUDIT_HISTORY_LIMIT) : null,
  };
}

async function consoleAccessOfUser(db: Db, tenantId: string, userId: string, sessionIdleMs: number, now: number): Promise<UserConsoleAccess> {
  const admin = await prepared<{ id: string; role: AdminRole }>(db, ADMIN).get(userId, tenantId);
  if (!admin) return { adminRole: null, liveTokens: 0, liveSessions: 0, ssoAccount: null };
  const liveTokens = (await prepared<{ n: number }>(db, LIVE_TOKENS).get(admin.id, now))?.n ?? 0;
  const liveSessions = (await prepared<{ n: number }>(db, LIVE_SESSIONS).get(admin.id, now, now - sessionIdleMs))?.n ?? 0;
  const linked = await findSsoAccountOfAdmin(db, { tenantId, adminId: admin.id });
  const ssoAccount = linked ? { issuer: linked.issuer, subject: linked.subject, linkedAt: linked.updatedAt } : null;
  return { adminRole: admin.role, liveTokens, liveSessions, ssoAccount };
}

async function auditHistoryOfUser(db: Db, tenantId: string, userId: string, limit: number): Promise<AuditEvent[]> {
  const rows = await prepared<AuditEventRow>(db, AUDIT_HISTORY[db.dialect]).all(tenantId, userId, limit);
  return rows.map(auditEventFromRow);
}
