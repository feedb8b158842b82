import { randomUUID } from "node:crypto";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { SIGN_IN_METHODS } from "../constants";
import type { AdminRole, EmailKey } from "../schema";
import { recordAdminEvent } from "./admins";
import { recordAuditEvent } from "./audit";
import { revokeTokensOfAdmin } from "./tokens";

export type SessionPrincipalRow = {
  sessionId: string;
  /** When the session was last used (its sign-in, if never since), as last recorded: see touchSession. */
  lastSeenAt: number;
  tenantId: string;
  tenantName: string;
  csrfToken: string;
  expiresAt: number;
  adminId: string;
  role: AdminRole;
  userId: string;
  userName: string;
  userEmail: string;
  /** When and how the holder last authenticated (sign-in or step-up); null for sessions older than the column. */
  authenticatedAt: number | null;
  authMethod: SignInMethod | null;
};

const LIVE_SESSION = `select s.id as "sessionId", coalesce(s.last_seen_at, s.created_at) as "lastSeenAt", s.tenant_id as "tenantId",
    t.name as "tenantName", s.csrf_token as "csrfToken", s.authenticated_at as "authenticatedAt", s.auth_method as "authMethod",
    s.expires_at as "expiresAt", a.id as "adminId", a.role, u.id as "userId", u.name as "userName", u.email as "userEmail"
  from sessions s
  join admins a on a.id = s.admin_id
  join users u on u.id = a.user_id
  join tenants t on t.id = s.tenant_id
  where s.token_hash = ? and s.revoked_at is null and s.expires_at > ? and coalesce(s.last_seen_at, s.created_at) > ? and u.active = true`;

/**
 * A live session (not revoked, not expired, used within `idleMs`, its admin's user still active)
 * by the hash of its cookie.
 */
export function findLiveSession(db: Db, tokenHash: string, idleMs: number, now = Date.now()): Promise<SessionPrincipalRow | undefined> {
  // Read from the database on every request, never cached: a sign-out or revocation in one
  // process holds at once in every other process on the database.
  return prepared<SessionPrincipalRow>(db, LIVE_SESSION).get(tokenHash, now, now - idleMs);
}

const TOUCH_SESSION = "update sessions set last_seen_at = ? where id = ? and (last_seen_at is null or last_seen_at < ?)";

/** Records that the session was used now, unless it was within `granularityMs` (one write a minute, not one per request). */
export async function touchSession(db: Db, sessionId: string, granularityMs: number, now = Date.now()): Promise<void> {
  await prepared(db, TOUCH_SESSION).run(now, sessionId, now - granularityMs);
}

const INSERT_SESSION = `insert into sessions (id, tenant_id, admin_id, token_hash, csrf_token, expires_at, last_seen_at, user_agent, client_address,
    authenticated_at, auth_method, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export type NewSession = {
  tenantId: string;
  adminId: string;
  tokenHash: string;
  csrfToken: string;
  expiresAt: number;
  userAgent: string | null;
  clientAddress: string | null;
  /** How the admin signed in; the session is authenticated as of its creation. */
  authMethod: SignInMethod;
};

export async function createSession(db: Db, input: NewSession, now = Date.now()): Promise<string> {
  const id = randomUUID();
  await prepared(db, INSERT_SESSION).run(
    id,
    input.tenantId,
    input.adminId,
    input.tokenHash,
    input.csrfToken,
    input.expiresAt,
    now,
    input.userAgent,
    input.clientAddress,
    now,
    input.authMethod,
    now,
    now,
  );
  return id;
}

// Conditional on the hash the caller read: of two step-ups racing on one session, one rotates it.
const ROTATE_SESSION = `update sessions set token_hash = ?, csrf_token = ?, authenticated_at = ?, auth_method = ?, last_seen_at = ?, updated_at = ?
  where id = ? and token_hash = ? and revoked_at is null
  returning expires_at as "expiresAt"`;

export type SessionRotation = { sessionId: string; oldTokenHash: string; tokenHash: string; csrfToken: string; authMethod: SignInMethod };

/**
 * A step-up: the session gets a new cookie hash and CSRF token (the old cookie opens nothing
 * from now on) and is authenticated as of `now`; its audit event is written in the same
 * transaction. Answers the session's (unchanged) expiry; null when it was rotated or revoked meanwhile.
 */
export async function rotateSession(db: Db, rotation: SessionRotation, audit: StepUpAudit, now = Date.now()): Promise<number | null> {
  return inTransaction(db, "immediate", async () => {
    const row = await prepared<{ expiresAt: number }>(db, ROTATE_SESSION).get(
      rotation.tokenHash,
      rotation.csrfToken,
      now,
      rotation.authMethod,
      now,
      now,
      rotation.sessionId,
      rotation.oldTokenHash,
    );
    if (!row) return null;
    await recordStepUp(db, audit, "success", { method: rotation.authMethod, clientAddress: audit.clientAddress, sessionId: rotation.sessionId }, now);
    return Number(row.expiresAt);
  });
}

export type StepUpAudit = { adminId: string; tenantId: string; userName: string; clientAddress: string | null };

/** A step-up's outcome in the tenant's audit log (`session.stepped_up`), in the style of `session.sign_in`. */
export async function recordStepUp(
  db: Db,
  admin: StepUpAudit,
  outcome: "success" | "failed" | "throttled",
  details: { method: SignInMethod } & Record<string, unknown>,
  now = Date.now(),
): Promise<void> {
  await recordAuditEvent(db, {
    tenantId: admin.tenantId,
    actorType: "admin",
    actorId: admin.adminId,
    actorName: admin.userName,
    action: "session.stepped_up",
    targetType: "admin",
    targetId: admin.adminId,
    outcome,
    details,
    createdAt: now,
  });
}

const REVOKE_SESSION = `update sessions set revoked_at = ?, updated_at = ? where id = ? and revoked_at is null`;

export async function revokeSession(db: Db, sessionId: string, now = Date.now()): Promise<void> {
  await prepared(db, REVOKE_SESSION).run(now, now, sessionId);
}

const REVOKE_SESSIONS_OF_ADMIN = "update sessions set revoked_at = ?, updated_at = ? where admin_id = ? and revoked_at is null";

export type AccessRevocation = { sessionsRevoked: number; tokensRevoked: number };

/**
 * Ends what an admin still holds — every console session and personal access token — in one
 * transaction, audited as `admin.access_revoked` with `details` and the counts when there was
 * anything to end: the identity provider no longer admits them (docs/decisions/0021).
 */
export function revokeAdminAccess(
  db: Db,
  admin: { tenantId: string; adminId: string },
  actor: { type: "system"; name: string },
  details: Record<string, unknown>,
  now = Date.now(),
): Promise<AccessRevocation> {
  return inTransaction(db, "immediate", async () => {
    const sessionsRevoked = (await prepared(db, REVOKE_SESSIONS_OF_ADMIN).run(now, now, admin.adminId)).changes;
    const tokensRevoked = await revokeTokensOfAdmin(db, admin.adminId, now);
    if (sessionsRevoked + tokensRevoked > 0) {
      await recordAdminEvent(db, admin, actor, "admin.access_revoked", { ...details, sessionsRevoked, tokensRevoked }, now);
    }
    return { sessionsRevoked, tokensRevoked };
  });
}

export type SignInCandidate = {
  adminId: string;
  tenantId: string;
  userId: string;
  userName: string;
  passwordHash: string;
  active: boolean;
  /** False when the admin's tenant has switched local passwords off for single sign-on. */
  passwordsAllowed: boolean;
};

const SIGN_IN_CANDIDATES = `select a.id as "adminId", a.tenant_id as "tenantId", u.id as "userId", u.name as "userName",
    a.password_hash as "passwordHash", u.active, coalesce(c.passwords_allowed, true) as "passwordsAllowed"
  from admins a join users u on u.id = a.user_id
  left join sso_configs c on c.tenant_id = a.tenant_id
  where u.email_normalized = ?
  order by a.created_at, a.id`;

/** Admin accounts with this email, across tenants (an email may administer several). */
export async function findSignInCandidates(db: Db, emailKey: EmailKey): Promise<SignInCandidate[]> {
  type Row = Omit<SignInCandidate, "active" | "passwordsAllowed"> & { active: number; passwordsAllowed: number };
  const rows = await prepared<Row>(db, SIGN_IN_CANDIDATES).all(emailKey);
  return rows.map((row) => ({ ...row, active: row.active === 1, passwordsAllowed: row.passwordsAllowed === 1 }));
}

export type SignInAuditOutcome = "success" | "failed" | "throttled" | "second_factor_required";

/** How someone signed in (or tried to): every `session.sign_in` event names it in `details.method`. */
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/**
 * Records a sign-in attempt on a known admin account in its tenant's audit log, named after the
 * admin so the log reads who was tried. `details` carries the method, the client address (and, for
 * a throttled attempt, which limit refused it; for a refusal, the reason); attempts on unknown
 * emails are never recorded here.
 */
export async function recordSignInAttempt(
  db: Db,
  candidate: Pick<SignInCandidate, "adminId" | "tenantId" | "userName">,
  outcome: SignInAuditOutcome,
  details: { method: SignInMethod } & Record<string, unknown>,
  now = Date.now(),
): Promise<void> {
  await recordAuditEvent(db, {
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

/**
 * An SSO sign-in refused before it reached an admin account of the tenant (a bad callback, an
 * address the tenant does not let in, nobody the role map admits): audited in the tenant whose
 * provider was used, with what the provider said about the person when it said anything.
 */
export async function recordSsoSignInRefusal(db: Db, tenantId: string, details: { reason: string } & Record<string, unknown>, now = Date.now()) {
  await recordAuditEvent(db, {
    tenantId,
    actorType: "system",
    actorName: "single sign-on",
    action: "session.sign_in",
    outcome: "failed",
    details: { method: "oidc", ...details },
    createdAt: now,
  });
}
