import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/db/client";
import { normalizeEmail } from "@/lib/domain/email";
import {
  createSession,
  findLiveSession,
  findSignInCandidates,
  touchSession,
  recordSignInAttempt,
  type SessionPrincipalRow,
  type SignInCandidate,
  type SignInMethod,
} from "@/db/queries/sessions";
import { beginSecondFactor, type SecondFactorStart } from "./mfa/pending-sign-in";
import { hashPassword, NO_PASSWORD_HASH, verifyPassword } from "./password";
import { signInThrottle, type SignInThrottle, type ThrottleAdmission } from "./sign-in-throttle";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { serverEnv } from "@/lib/env";

export const SESSION_COOKIE = "roster_session";
export const CSRF_HEADER = "x-csrf-token";
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export type ConsolePrincipal = SessionPrincipalRow;

export const hashCookie = (value: string) => createHash("sha256").update(value).digest("base64url");

/** How long an unused session lives (SESSION_IDLE_TIMEOUT_SECONDS). */
export const sessionIdleMs = () => serverEnv().SESSION_IDLE_TIMEOUT_SECONDS * 1000;

/**
 * The session a cookie opens, read from the database on every request (no per-process cache), so
 * that a sign-out, a revocation or an idle timeout holds at once whichever process answers the
 * next request. Its use is recorded at most once a minute (more often under a short idle timeout).
 */
export async function readSession(db: Db, cookieValue: string | undefined | null, now = Date.now()): Promise<ConsolePrincipal | null> {
  if (!cookieValue || cookieValue.length > 200) return null;
  const idleMs = sessionIdleMs();
  const session = await findLiveSession(db, hashCookie(cookieValue), idleMs, now);
  if (!session) return null;
  const granularityMs = Math.min(60_000, idleMs / 4);
  if (now - session.lastSeenAt >= granularityMs) await touchSession(db, session.sessionId, granularityMs, now);
  return session;
}

/** The browser and address a session was opened from, as "Your sessions" shows them. */
export type SessionOrigin = { userAgent: string | null; clientAddress: string | null };

/** A new cookie value and CSRF token: at every sign-in, and again at every step-up (docs/decisions/0023). */
export const newSessionSecrets = () => ({ cookieValue: randomBytes(32).toString("base64url"), csrfToken: randomBytes(24).toString("base64url") });

/**
 * Opens a console session for an admin, authenticated now by `method` (what step-up's age counts
 * from); only a hash of the cookie value is stored.
 */
export async function openSession(
  db: Db,
  admin: { tenantId: string; adminId: string },
  origin?: SessionOrigin,
  now = Date.now(),
  method: SignInMethod = "password",
) {
  const { cookieValue, csrfToken } = newSessionSecrets();
  const expiresAt = now + SESSION_TTL_MS;
  await createSession(
    db,
    {
      tenantId: admin.tenantId,
      adminId: admin.adminId,
      tokenHash: hashCookie(cookieValue),
      csrfToken,
      expiresAt,
      userAgent: origin?.userAgent?.slice(0, 300) ?? null,
      clientAddress: origin?.clientAddress ?? null,
      authMethod: method,
    },
    now,
  );
  return { cookieValue, csrfToken, expiresAt };
}

export type SignInAttempt = { email: string; password: string; clientAddress: string; userAgent?: string | null };

export type SignInResult =
  | { ok: true; cookieValue: string; csrfToken: string; expiresAt: number }
  /** The password was right, and a second factor (or the enrolment of one) must follow: no session yet. */
  | { ok: true; secondFactor: SecondFactorStart }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  /** Another attempt from this address is still being checked. */
  | { ok: false; reason: "busy"; retryAfterSeconds: number };

// Compared against when no account matches, so an unknown email costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;

/** A password check that costs the same whether or not the admin has a password (SSO-made admins have none). */
async function passwordMatches(password: string, stored: string): Promise<boolean> {
  if (stored !== NO_PASSWORD_HASH) return verifyPassword(password, stored);
  await verifyPassword(password, await (dummyHash ??= hashPassword("not the password")));
  return false;
}

/**
 * Checks an email and password and opens a session. Wrong or unknown credentials get the same
 * answer, and so do throttled ones: the throttle (sign-in-throttle.ts) counts by client address
 * and by (email typed, client address), never by account, and refuses before any password is
 * hashed, as it does an address's third attempt in progress at once. Attempts on a known admin
 * are audited in its tenant; a throttle block once, when it starts.
 */
export async function signIn(db: Db, attempt: SignInAttempt, options: { throttle?: SignInThrottle; now?: number } = {}): Promise<SignInResult> {
  const now = options.now ?? Date.now();
  const emailKey = normalizeEmail(attempt.email);
  const activeCandidates = async () => (await findSignInCandidates(db, emailKey)).filter((c) => c.active);
  const gate = await (options.throttle ?? signInThrottle(db)).admit(attempt.clientAddress, emailKey);
  if (!gate.admitted) {
    metrics().rateLimited.inc({ limiter: "sign-in" });
    if (gate.limit === "inFlight") return { ok: false, reason: "busy", retryAfterSeconds: gate.retryAfterSeconds };
    if (gate.blockStarted) {
      logger().warn(
        { clientAddress: attempt.clientAddress, limit: gate.limit, retryAfterSeconds: gate.retryAfterSeconds },
        gate.limit === "address" ? "sign-in throttled: client address refused" : "sign-in throttled: one email from the client address refused",
      );
      const details = { method: "password", clientAddress: attempt.clientAddress, limit: gate.limit, retryAfterSeconds: gate.retryAfterSeconds } as const;
      for (const candidate of await activeCandidates()) await recordSignInAttempt(db, candidate, "throttled", details, now);
    }
    return { ok: false, reason: "throttled", retryAfterSeconds: gate.retryAfterSeconds };
  }

  try {
    return await checkPassword(db, attempt, await activeCandidates(), gate, now);
  } finally {
    await gate.finished();
  }
}

async function checkPassword(db: Db, attempt: SignInAttempt, candidates: SignInCandidate[], gate: ThrottleAdmission, now: number): Promise<SignInResult> {
  if (candidates.length === 0) {
    await verifyPassword(attempt.password, await (dummyHash ??= hashPassword("not the password")));
    return { ok: false, reason: "invalid" };
  }
  const details = { method: "password", clientAddress: attempt.clientAddress } as const;
  // The right password of a tenant that signs in through SSO only gets the same answer as a wrong
  // one (saying so would confirm the email is an admin's); the audit log tells the reason.
  const passwordOff = new Set<SignInCandidate>();
  for (const candidate of candidates) {
    if (!(await passwordMatches(attempt.password, candidate.passwordHash))) continue;
    if (!candidate.passwordsAllowed) {
      passwordOff.add(candidate);
      continue;
    }
    await gate.succeeded();
    const origin = { userAgent: attempt.userAgent ?? null, clientAddress: attempt.clientAddress };
    // Under the tenant's MFA policy, or with a factor enrolled, the password opens only the second step.
    const secondFactor = await beginSecondFactor(db, candidate, origin, now);
    if (secondFactor) return { ok: true, secondFactor };
    await recordSignInAttempt(db, candidate, "success", details, now);
    return { ok: true, ...(await openSession(db, candidate, origin, now, "password")) };
  }
  for (const candidate of candidates)
    await recordSignInAttempt(db, candidate, "failed", passwordOff.has(candidate) ? { ...details, reason: "password_disabled" } : details, now);
  return { ok: false, reason: "invalid" };
}
