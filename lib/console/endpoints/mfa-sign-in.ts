import { parse as parseCookies } from "cookie";
import type { PendingSignIn } from "@/db/queries/pending-sign-ins";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { PENDING_SIGN_IN_COOKIE, readPendingSignIn, type SecondFactorStart } from "@/lib/auth/mfa/pending-sign-in";
import { failSecondFactor, finishSignIn, signInWithRecoveryCode, signInWithTotp, type SecondFactorOutcome } from "@/lib/auth/mfa/second-factor";
import { confirmTotpEnrolment, startTotpEnrolment } from "@/lib/auth/mfa/totp-enrolment";
import { relyingPartyOf, signInWithPasskey, startPasskeyAssertion } from "@/lib/auth/mfa/passkeys";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Db } from "@/db/client";
import { mfaSignInContracts as c } from "@/lib/contracts/mfa-sign-in";
import type { ApiRequest } from "@/lib/http/types";
import { pendingSignInCookie, publicOrigin, sameOrigin, sessionCookie } from "./session-cookies";

// The sign-in's second step (docs/decisions/0022): each endpoint takes the pending sign-in cookie
// the password step set, and nothing else; none of them opens the console without a second factor.

const publicConsole = { dialect: consoleDialect, auth: "none" } as const;
const EXPIRED = "Your sign-in expired or took too many attempts: sign in with your password again";

/** The password step's answer when a second factor must follow: the pending cookie, no session. */
export function secondFactorStarted(start: SecondFactorStart, request: ApiRequest) {
  const expiresAt = new Date(start.expiresAt).toISOString();
  const data =
    start.step === "enrol" ? ({ status: "enrol_factor", expiresAt } as const) : ({ status: "second_factor", methods: start.methods, expiresAt } as const);
  const cookie = pendingSignInCookie(start.cookieValue, Math.floor((start.expiresAt - Date.now()) / 1000), request);
  return { data: { data }, headers: { "set-cookie": cookie } };
}

/** The live pending sign-in of the request, or a 401 that says to start again. */
async function pendingOf(db: Db, request: ApiRequest): Promise<PendingSignIn> {
  if (!sameOrigin(request)) throw new ApiError("forbidden", "Sign-in must come from Roster's own page", { notices: ["csrf"] });
  const pending = await readPendingSignIn(db, parseCookies(request.headers.get("cookie") ?? "")[PENDING_SIGN_IN_COOKIE]);
  if (!pending) throw new ApiError("unauthorized", EXPIRED);
  return pending;
}

const originOf = (request: ApiRequest) => ({ clientAddress: request.clientIp, userAgent: request.headers.get("user-agent") });

/** A session opened and its cookie set; or the failure as problem+json. */
function answer(outcome: SecondFactorOutcome, request: ApiRequest, recoveryCodes: string[] | null = null) {
  if (!outcome.ok) {
    if (outcome.reason === "throttled") {
      const minutes = Math.ceil((outcome.retryAfterSeconds ?? 60) / 60);
      throw new ApiError("rate_limited", `Too many wrong codes for this account: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, {
        headers: { "retry-after": String(outcome.retryAfterSeconds ?? 60) },
      });
    }
    if (outcome.reason === "expired") throw new ApiError("unauthorized", EXPIRED);
    throw new ApiError("unauthorized", outcome.reason === "replayed" ? "That code was used already: wait for the next one" : "Wrong code");
  }
  const session = sessionCookie(outcome.cookieValue, Math.floor((outcome.expiresAt - Date.now()) / 1000), request);
  return {
    data: { data: { expiresAt: new Date(outcome.expiresAt).toISOString(), recoveryCodes } },
    // The pending cookie is left to expire: its row is consumed, so it opens nothing again (and a
    // response carries one Set-Cookie here).
    headers: { "set-cookie": session },
  };
}

export const MFA_SIGN_IN_ENDPOINTS = [
  // Second factor: a code from the admin's authenticator app
  defineEndpoint({
    ...c.totp,
    ...publicConsole,
    operationId: "consoleSignInTotp",
    errors: [400, 401, 403, 429],
    handler: async ({ db, body, request }) => answer(await signInWithTotp(db, await pendingOf(db, request), body.code, { origin: originOf(request) }), request),
  }),
  // Second factor: one of the admin's one-time recovery codes
  defineEndpoint({
    ...c.recoveryCode,
    ...publicConsole,
    operationId: "consoleSignInRecoveryCode",
    errors: [400, 401, 403, 429],
    handler: async ({ db, body, request }) =>
      answer(await signInWithRecoveryCode(db, await pendingOf(db, request), body.code, { origin: originOf(request) }), request),
  }),
  // Second factor: a passkey's challenge
  defineEndpoint({
    ...c.passkeyOptions,
    ...publicConsole,
    operationId: "consoleSignInPasskeyOptions",
    errors: [401, 403],
    handler: async ({ db, request }) => ({
      data: { data: { ...(await startPasskeyAssertion(db, await pendingOf(db, request), relyingPartyOf(publicOrigin(request)))) } },
    }),
  }),
  // Second factor: the passkey's answer to that challenge
  defineEndpoint({
    ...c.passkey,
    ...publicConsole,
    operationId: "consoleSignInPasskey",
    errors: [400, 401, 403, 429],
    handler: async ({ db, body, request }) => {
      const ctx = { origin: originOf(request), rp: relyingPartyOf(publicOrigin(request)) };
      return answer(await signInWithPasskey(db, await pendingOf(db, request), body.response as unknown as AuthenticationResponseJSON, ctx), request);
    },
  }),
  // Enrolment of a first factor during sign-in (MFA required, none enrolled yet): a new authenticator secret
  defineEndpoint({
    ...c.startTotpEnrolment,
    ...publicConsole,
    operationId: "consoleSignInStartTotpEnrolment",
    errors: [401, 403, 409],
    handler: async ({ db, request }) => {
      const pending = await pendingOf(db, request);
      if (pending.factorCount > 0) throw new ApiError("conflict", "You have a second factor already: use it to sign in");
      return { data: { data: await startTotpEnrolment(db, pending) } };
    },
  }),
  // Enrolment of a first factor during sign-in: a code from the app confirms it and opens the session
  defineEndpoint({
    ...c.confirmTotpEnrolment,
    ...publicConsole,
    operationId: "consoleSignInConfirmTotpEnrolment",
    errors: [400, 401, 403, 409],
    handler: async ({ db, body, request, requestId }) => {
      const pending = await pendingOf(db, request);
      if (pending.factorCount > 0) throw new ApiError("conflict", "You have a second factor already: use it to sign in");
      const ctx = { origin: originOf(request) };
      const actor = { type: "admin" as const, id: pending.adminId, name: pending.userName, requestId };
      const enrolled = await confirmTotpEnrolment(db, pending, { code: body.code, label: body.label || "Authenticator app" }, actor);
      if (!enrolled.ok && enrolled.reason === "no_enrolment") throw new ApiError("conflict", "Start the enrolment again: its secret expired");
      if (!enrolled.ok) return answer(await failSecondFactor(db, pending, "totp", "invalid", ctx), request);
      return answer(await finishSignIn(db, pending, "totp", ctx), request, enrolled.recoveryCodes);
    },
  }),
];
