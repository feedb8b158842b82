import type { Db } from "@/db/client";
import { listFactors } from "@/db/queries/mfa-factors";
import { recordStepUp, rotateSession, type SignInMethod } from "@/db/queries/sessions";
import { findSsoSettings } from "@/db/queries/sso-configs";
import { findStepUpAccount } from "@/db/queries/step-up";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { normalizeEmail } from "@/lib/domain/email";
import { challengeMethods } from "./mfa/pending-sign-in";
import { checkPasskeyAssertion, type RelyingParty } from "./mfa/passkeys";
import { checkRecoveryCode, checkTotpCode, type FactorCheck } from "./mfa/second-factor";
import { secondFactorThrottle, throttledSecondFactor, type SecondFactorThrottle } from "./mfa/second-factor-throttle";
import { NO_PASSWORD_HASH, verifyPassword } from "./password";
import { hashCookie, newSessionSecrets } from "./session";
import { signInThrottle, type SignInThrottle } from "./sign-in-throttle";

// Step-up (docs/decisions/0023): the holder of a console session proves again who they are — a
// second factor, single sign-on with a fresh authentication, or (an account with no factor, in a
// tenant that does not require one) the password — and the session gets a new cookie and CSRF
// token, authenticated as of now. Wrong answers count where the same answer at sign-in counts.

/** The session stepping up, as its endpoint knows it: the cookie it came with is what rotation replaces. */
export type StepUpSession = { sessionId: string; tenantId: string; adminId: string; userName: string; cookieValue: string };
export type StepUpContext = { clientAddress: string; now?: number; throttle?: SecondFactorThrottle; signInThrottle?: SignInThrottle };
export type StepUpOutcome =
  | { ok: true; cookieValue: string; csrfToken: string; expiresAt: number; authenticatedAt: number }
  | { ok: false; reason: "invalid" | "replayed" | "not_available" | "ended" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

const emailDomain = (email: string) => email.trim().toLowerCase().split("@").pop() ?? "";
const auditOf = (session: StepUpSession, ctx: StepUpContext) => ({ ...session, clientAddress: ctx.clientAddress });

/** How this admin can step up: their factors; SSO when the tenant's lets their domain in; else a password that signs in alone. */
export async function stepUpMethods(db: Db, admin: { tenantId: string; adminId: string }): Promise<SignInMethod[]> {
  const [account, factors, sso] = await Promise.all([
    findStepUpAccount(db, admin.adminId),
    listFactors(db, admin.adminId),
    findSsoSettings(db, admin.tenantId),
  ]);
  if (!account) return [];
  const methods: SignInMethod[] = challengeMethods(factors);
  if (sso?.domains.includes(emailDomain(account.email))) methods.push("oidc");
  const passwordAlone = factors.length === 0 && !account.tenantRequiresMfa && (sso?.passwordsAllowed ?? true) && account.passwordHash !== NO_PASSWORD_HASH;
  if (passwordAlone) methods.push("password");
  return methods;
}

/** Rotates the session and records the step-up: the old cookie opens nothing from here on. */
export async function completeStepUp(db: Db, session: StepUpSession, method: SignInMethod, ctx: StepUpContext): Promise<StepUpOutcome> {
  const secrets = newSessionSecrets();
  const rotation = {
    sessionId: session.sessionId,
    oldTokenHash: hashCookie(session.cookieValue),
    tokenHash: hashCookie(secrets.cookieValue),
    csrfToken: secrets.csrfToken,
    authMethod: method,
  };
  const now = ctx.now ?? Date.now();
  const expiresAt = await rotateSession(db, rotation, auditOf(session, ctx), now);
  if (expiresAt === null) return { ok: false, reason: "ended" };
  return { ok: true, ...secrets, expiresAt, authenticatedAt: now };
}

/** A failed step-up, audited with its reason. */
export async function failStepUp(db: Db, session: StepUpSession, method: SignInMethod, reason: string, ctx: StepUpContext, details = {}) {
  await recordStepUp(db, auditOf(session, ctx), "failed", { method, clientAddress: ctx.clientAddress, reason, ...details }, ctx.now);
}

type FactorMethod = "totp" | "recovery_code" | "passkey";

/** A second factor's check under the admin's second-factor throttle (shared with sign-in), then the rotation. */
function withFactor(db: Db, session: StepUpSession, method: FactorMethod, ctx: StepUpContext, check: (now: number) => Promise<FactorCheck>) {
  const now = ctx.now ?? Date.now();
  return throttledSecondFactor<StepUpOutcome>(
    ctx.throttle ?? secondFactorThrottle(db),
    session.adminId,
    async () => {
      const result = await check(now);
      if (result === "ok") return completeStepUp(db, session, method, { ...ctx, now });
      await failStepUp(db, session, method, result, { ...ctx, now });
      return { ok: false, reason: result };
    },
    async (retryAfterSeconds) => {
      await recordStepUp(db, auditOf(session, ctx), "throttled", { method, clientAddress: ctx.clientAddress }, now);
      return { ok: false, reason: "throttled", retryAfterSeconds };
    },
  );
}

export const stepUpWithTotp = (db: Db, session: StepUpSession, code: string, ctx: StepUpContext) =>
  withFactor(db, session, "totp", ctx, (now) => checkTotpCode(db, session.adminId, code, now));

export const stepUpWithRecoveryCode = (db: Db, session: StepUpSession, code: string, ctx: StepUpContext) =>
  withFactor(db, session, "recovery_code", ctx, (now) => checkRecoveryCode(db, session.adminId, code, now));

export const stepUpWithPasskey = (db: Db, session: StepUpSession, response: AuthenticationResponseJSON, rp: RelyingParty, ctx: StepUpContext) =>
  withFactor(db, session, "passkey", ctx, (now) => checkPasskeyAssertion(db, session.adminId, response, rp, now));

/**
 * The password, for an account whose password alone signs in (no factor, no MFA policy): through
 * the sign-in throttle, as a sign-in with this email from this address would be.
 */
export async function stepUpWithPassword(db: Db, session: StepUpSession, password: string, ctx: StepUpContext): Promise<StepUpOutcome> {
  if (!(await stepUpMethods(db, session)).includes("password")) return { ok: false, reason: "not_available" };
  const account = (await findStepUpAccount(db, session.adminId))!;
  const gate = await (ctx.signInThrottle ?? signInThrottle(db)).admit(ctx.clientAddress, normalizeEmail(account.email));
  if (!gate.admitted) {
    if (gate.blockStarted) await recordStepUp(db, auditOf(session, ctx), "throttled", { method: "password", clientAddress: ctx.clientAddress }, ctx.now);
    return { ok: false, reason: "throttled", retryAfterSeconds: gate.retryAfterSeconds };
  }
  try {
    if (!(await verifyPassword(password, account.passwordHash))) {
      await failStepUp(db, session, "password", "invalid", ctx);
      return { ok: false, reason: "invalid" };
    }
    await gate.succeeded();
    return await completeStepUp(db, session, "password", ctx);
  } finally {
    await gate.finished();
  }
}
