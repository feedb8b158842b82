import type { Db } from "@/db/client";
import { acceptTotpStep, listFactors, useRecoveryCode as spendRecoveryCode } from "@/db/queries/mfa-factors";
import { consumePendingSignIn, countPendingAttempt, type PendingSignIn } from "@/db/queries/pending-sign-ins";
import { recordSignInAttempt } from "@/db/queries/sessions";
import { openSession, type SessionOrigin } from "../session";
import { PENDING_SIGN_IN_MAX_ATTEMPTS, type SecondFactorMethod } from "./pending-sign-in";
import { hashRecoveryCode } from "./recovery-codes";
import { secondFactorThrottle, throttledSecondFactor, type SecondFactorThrottle } from "./second-factor-throttle";
import { verifyTotp } from "./totp";

// Turning a pending sign-in into a session with a second factor (docs/decisions/0022). Every
// outcome is audited as session.sign_in with its method; a failure also names its reason.

export type OpenedSession = { cookieValue: string; csrfToken: string; expiresAt: number };
export type SecondFactorFailure = { ok: false; reason: "invalid" | "replayed" | "expired" | "throttled"; retryAfterSeconds?: number };
export type SecondFactorOutcome = ({ ok: true } & OpenedSession) | SecondFactorFailure;

export type SecondFactorContext = { origin: SessionOrigin; throttle?: SecondFactorThrottle; now?: number };
type Context = SecondFactorContext;

const auditOf = (pending: PendingSignIn) => ({ adminId: pending.adminId, tenantId: pending.tenantId, userName: pending.userName });

/** Refuses when the admin's second factor is blocked for now; otherwise runs `check`. */
export function guardedSecondFactor(db: Db, pending: PendingSignIn, method: SecondFactorMethod, ctx: Context, check: () => Promise<SecondFactorOutcome>) {
  return throttledSecondFactor(ctx.throttle ?? secondFactorThrottle(db), pending.adminId, check, async (blockedFor) => {
    await recordSignInAttempt(db, auditOf(pending), "throttled", { clientAddress: ctx.origin.clientAddress, method }, ctx.now);
    return { ok: false, reason: "throttled", retryAfterSeconds: blockedFor } satisfies SecondFactorFailure;
  });
}

/** Counts and audits a wrong second factor. */
export async function failSecondFactor(db: Db, pending: PendingSignIn, method: SecondFactorMethod, reason: "invalid" | "replayed", ctx: Context) {
  const now = ctx.now ?? Date.now();
  await countPendingAttempt(db, pending.id, PENDING_SIGN_IN_MAX_ATTEMPTS, now);
  await recordSignInAttempt(db, auditOf(pending), "failed", { clientAddress: ctx.origin.clientAddress, method, reason }, now);
  return { ok: false, reason } as const;
}

/**
 * Uses the pending sign-in up and opens the session, audited as a success with its method. A
 * pending sign-in opens one session: a second request with the same cookie finds it consumed.
 */
export async function finishSignIn(db: Db, pending: PendingSignIn, method: SecondFactorMethod, ctx: Context): Promise<SecondFactorOutcome> {
  const now = ctx.now ?? Date.now();
  if (!(await consumePendingSignIn(db, pending.id, PENDING_SIGN_IN_MAX_ATTEMPTS, now))) return { ok: false, reason: "expired" };
  await recordSignInAttempt(db, auditOf(pending), "success", { clientAddress: ctx.origin.clientAddress, method }, now);
  return { ok: true, ...(await openSession(db, pending, ctx.origin, now, method)) };
}

/** What a second factor's check found; "ok" has used it up (a TOTP step, a recovery code). */
export type FactorCheck = "ok" | "invalid" | "replayed";

/** A code from one of the admin's authenticator apps, accepted once (sign-in and step-up share it). */
export async function checkTotpCode(db: Db, adminId: string, code: string, now: number): Promise<FactorCheck> {
  const apps = (await listFactors(db, adminId)).filter((f) => f.kind === "totp" && f.totpSecret);
  let replayed = false;
  for (const app of apps) {
    const check = verifyTotp(app.totpSecret!, code, app.totpLastStep, now);
    if (check.ok && (await acceptTotpStep(db, app.id, check.step, now))) return "ok";
    // A code another request accepted first is a replay too.
    if (check.ok || check.reason === "replayed") replayed = true;
  }
  return replayed ? "replayed" : "invalid";
}

/** One of the admin's unused recovery codes, used up. */
export async function checkRecoveryCode(db: Db, adminId: string, code: string, now: number): Promise<FactorCheck> {
  return (await spendRecoveryCode(db, adminId, hashRecoveryCode(code), now)) ? "ok" : "invalid";
}

/** The sign-in's outcome of a check: a session, or a counted and audited failure. */
export async function settleSecondFactor(db: Db, pending: PendingSignIn, method: SecondFactorMethod, check: FactorCheck, ctx: Context) {
  return check === "ok" ? finishSignIn(db, pending, method, ctx) : failSecondFactor(db, pending, method, check, ctx);
}

export function signInWithTotp(db: Db, pending: PendingSignIn, code: string, ctx: Context): Promise<SecondFactorOutcome> {
  return guardedSecondFactor(db, pending, "totp", ctx, async () =>
    settleSecondFactor(db, pending, "totp", await checkTotpCode(db, pending.adminId, code, ctx.now ?? Date.now()), ctx),
  );
}

export function signInWithRecoveryCode(db: Db, pending: PendingSignIn, code: string, ctx: Context): Promise<SecondFactorOutcome> {
  return guardedSecondFactor(db, pending, "recovery_code", ctx, async () =>
    settleSecondFactor(db, pending, "recovery_code", await checkRecoveryCode(db, pending.adminId, code, ctx.now ?? Date.now()), ctx),
  );
}
