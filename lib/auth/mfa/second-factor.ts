import type { Db } from "@/db/client";
import { acceptTotpStep, listFactors, useRecoveryCode } from "@/db/queries/mfa-factors";
import { consumePendingSignIn, countPendingAttempt, type PendingSignIn } from "@/db/queries/pending-sign-ins";
import { recordSignInAttempt } from "@/db/queries/sessions";
import { openSession, type SessionOrigin } from "../session";
import { PENDING_SIGN_IN_MAX_ATTEMPTS, type SecondFactorMethod } from "./pending-sign-in";
import { hashRecoveryCode } from "./recovery-codes";
import { secondFactorThrottle, type SecondFactorThrottle } from "./second-factor-throttle";
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
export async function guardedSecondFactor(db: Db, pending: PendingSignIn, method: SecondFactorMethod, ctx: Context, check: () => Promise<SecondFactorOutcome>) {
  const throttle = ctx.throttle ?? secondFactorThrottle(db);
  const blockedFor = await throttle.blockedFor(pending.adminId);
  if (blockedFor !== null) {
    await recordSignInAttempt(db, auditOf(pending), "throttled", { clientAddress: ctx.origin.clientAddress, method }, ctx.now);
    return { ok: false, reason: "throttled", retryAfterSeconds: blockedFor } satisfies SecondFactorFailure;
  }
  const outcome = await check();
  if (outcome.ok) await throttle.succeeded(pending.adminId);
  else if (outcome.reason === "invalid" || outcome.reason === "replayed") await throttle.failed(pending.adminId);
  return outcome;
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
  return { ok: true, ...(await openSession(db, pending, ctx.origin, now)) };
}

export function signInWithTotp(db: Db, pending: PendingSignIn, code: string, ctx: Context): Promise<SecondFactorOutcome> {
  return guardedSecondFactor(db, pending, "totp", ctx, async () => {
    const now = ctx.now ?? Date.now();
    const apps = (await listFactors(db, pending.adminId)).filter((f) => f.kind === "totp" && f.totpSecret);
    let replayed = false;
    for (const app of apps) {
      const check = verifyTotp(app.totpSecret!, code, app.totpLastStep, now);
      if (check.ok && (await acceptTotpStep(db, app.id, check.step, now))) return finishSignIn(db, pending, "totp", ctx);
      // A code another request accepted first is a replay too.
      if (check.ok || check.reason === "replayed") replayed = true;
    }
    return failSecondFactor(db, pending, "totp", replayed ? "replayed" : "invalid", ctx);
  });
}

export function signInWithRecoveryCode(db: Db, pending: PendingSignIn, code: string, ctx: Context): Promise<SecondFactorOutcome> {
  return guardedSecondFactor(db, pending, "recovery_code", ctx, async () => {
    const now = ctx.now ?? Date.now();
    if (!(await useRecoveryCode(db, pending.adminId, hashRecoveryCode(code), now))) return failSecondFactor(db, pending, "recovery_code", "invalid", ctx);
    return finishSignIn(db, pending, "recovery_code", ctx);
  });
}
