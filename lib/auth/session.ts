import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/db/client";
import { normalizeEmail } from "@/lib/domain/email";
import { createSession, findLiveSession, findSignInCandidates, recordFailedSignIn, recordSuccessfulSignIn, type SessionPrincipalRow } from "@/db/queries/sessions";
import { hashPassword, verifyPassword } from "./password";

export const SESSION_COOKIE = "roster_session";
export const CSRF_HEADER = "x-csrf-token";
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MS = 15 * 60 * 1000;

export type ConsolePrincipal = SessionPrincipalRow;

const hashCookie = (value: string) => createHash("sha256").update(value).digest("base64url");

export function readSession(db: Db, cookieValue: string | undefined | null): ConsolePrincipal | null {
  if (!cookieValue || cookieValue.length > 200) return null;
  return findLiveSession(db, hashCookie(cookieValue)) ?? null;
}

/** Opens a console session for an admin; only a hash of the cookie value is stored. */
export function openSession(db: Db, admin: { tenantId: string; adminId: string }, now = Date.now()) {
  const cookieValue = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = now + SESSION_TTL_MS;
  createSession(db, { tenantId: admin.tenantId, adminId: admin.adminId, tokenHash: hashCookie(cookieValue), csrfToken, expiresAt }, now);
  return { cookieValue, csrfToken, expiresAt };
}

export type SignInResult =
  | { ok: true; cookieValue: string; csrfToken: string; expiresAt: number }
  | { ok: false; reason: "invalid" | "locked"; retryAfterSeconds?: number };

// Compared against when no account matches, so an unknown email costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;

/**
 * Checks an email and password and opens a session. Wrong or unknown credentials get the same
 * answer; five failures in a row lock the account for 15 minutes.
 */
export async function signIn(db: Db, email: string, password: string, now = Date.now()): Promise<SignInResult> {
  const candidates = findSignInCandidates(db, normalizeEmail(email)).filter((c) => c.active);
  if (candidates.length === 0) {
    await verifyPassword(password, await (dummyHash ??= hashPassword("not the password")));
    return { ok: false, reason: "invalid" };
  }
  for (const candidate of candidates) {
    if (candidate.lockedUntil !== null && candidate.lockedUntil > now) {
      return { ok: false, reason: "locked", retryAfterSeconds: Math.ceil((candidate.lockedUntil - now) / 1000) };
    }
  }
  for (const candidate of candidates) {
    if (await verifyPassword(password, candidate.passwordHash)) {
      recordSuccessfulSignIn(db, candidate, now);
      return { ok: true, ...openSession(db, candidate, now) };
    }
  }
  for (const candidate of candidates) recordFailedSignIn(db, candidate.adminId, candidate.tenantId, { maxFailures: MAX_FAILED_SIGN_INS, lockMs: LOCK_MS }, now);
  return { ok: false, reason: "invalid" };
}
