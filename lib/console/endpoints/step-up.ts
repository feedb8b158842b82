import { parse as parseCookies } from "cookie";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint, type Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { relyingPartyOf, startPasskeyAssertion } from "@/lib/auth/mfa/passkeys";
import { readSession, SESSION_COOKIE } from "@/lib/auth/session";
import {
  stepUpMethods,
  stepUpWithPasskey,
  stepUpWithPassword,
  stepUpWithRecoveryCode,
  stepUpWithTotp,
  type StepUpOutcome,
  type StepUpSession,
} from "@/lib/auth/step-up";
import { isStale } from "@/lib/auth/step-up-gate";
import { stepUpContracts as c } from "@/lib/contracts/step-up";
import { serverEnv } from "@/lib/env";
import type { ApiRequest } from "@/lib/http/types";
import { publicOrigin, sessionCookie } from "./session-cookies";

// Step-up (docs/decisions/0023): every role steps up its own session (manageOwnSessions). A wrong
// answer is a 400 on its field, not a 401: the console must not read it as a session that ended.

const own = { dialect: consoleDialect, auth: "session", action: "manageOwnSessions" } as const;

function stepping(principal: Principal, request: ApiRequest): StepUpSession {
  const cookieValue = parseCookies(request.headers.get("cookie") ?? "")[SESSION_COOKIE] ?? "";
  return { sessionId: principal.tokenId, tenantId: principal.tenantId, adminId: principal.adminId, userName: principal.userName, cookieValue };
}

const ctxOf = (request: ApiRequest) => ({ clientAddress: request.clientIp });

/** The new cookie and CSRF token; or the failure as problem+json. */
function answer(outcome: StepUpOutcome, request: ApiRequest, field: "code" | "password" | "response") {
  if (outcome.ok) {
    const cookie = sessionCookie(outcome.cookieValue, Math.floor((outcome.expiresAt - Date.now()) / 1000), request);
    return {
      data: { data: { csrfToken: outcome.csrfToken, authenticatedAt: new Date(outcome.authenticatedAt).toISOString() } },
      headers: { "set-cookie": cookie },
    };
  }
  switch (outcome.reason) {
    case "throttled": {
      const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
      throw new ApiError("rate_limited", `Too many wrong attempts for this account: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, {
        headers: { "retry-after": String(outcome.retryAfterSeconds) },
      });
    }
    case "ended":
      throw new ApiError("unauthorized", "Your session has ended; sign in again");
    case "not_available":
      throw new ApiError("conflict", "Your account cannot confirm it's you that way");
    default: {
      const wrong =
        field === "password" ? "Wrong password" : outcome.reason === "replayed" ? "That code was used already: wait for the next one" : "Wrong code";
      throw new ApiError("invalid_input", field === "response" ? "The passkey could not be verified: try again" : wrong, { details: { [field]: wrong } });
    }
  }
}

export const STEP_UP_ENDPOINTS = [
  // How you can step up, and whether you need to
  defineEndpoint({
    ...c.status,
    ...own,
    operationId: "consoleStepUpStatus",
    handler: async ({ db, principal, request }) => {
      const at = principal.authentication?.at ?? null;
      // The CSRF token too: a step-up in another window (single sign-on) replaced the one this page holds.
      const session = await readSession(db, stepping(principal, request).cookieValue);
      return {
        data: {
          data: {
            methods: await stepUpMethods(db, principal),
            authenticatedAt: at === null ? null : new Date(at).toISOString(),
            maxAgeSeconds: serverEnv().STEP_UP_MAX_AGE_SECONDS,
            fresh: !isStale(at, Date.now()),
            csrfToken: session?.csrfToken ?? "",
          },
        },
      };
    },
  }),
  // Step up with a code from your authenticator app
  defineEndpoint({
    ...c.totp,
    ...own,
    operationId: "consoleStepUpTotp",
    errors: [400, 429],
    handler: async ({ db, principal, body, request }) =>
      answer(await stepUpWithTotp(db, stepping(principal, request), body.code, ctxOf(request)), request, "code"),
  }),
  // Step up with one of your recovery codes
  defineEndpoint({
    ...c.recoveryCode,
    ...own,
    operationId: "consoleStepUpRecoveryCode",
    errors: [400, 429],
    handler: async ({ db, principal, body, request }) =>
      answer(await stepUpWithRecoveryCode(db, stepping(principal, request), body.code, ctxOf(request)), request, "code"),
  }),
  // A passkey challenge for a step-up
  defineEndpoint({
    ...c.passkeyOptions,
    ...own,
    operationId: "consoleStepUpPasskeyOptions",
    handler: async ({ db, principal, request }) => ({
      data: { data: { ...(await startPasskeyAssertion(db, principal, relyingPartyOf(publicOrigin(request)))) } },
    }),
  }),
  // Step up with the passkey's answer to that challenge
  defineEndpoint({
    ...c.passkey,
    ...own,
    operationId: "consoleStepUpPasskey",
    errors: [400, 429],
    handler: async ({ db, principal, body, request }) => {
      const response = body.response as unknown as AuthenticationResponseJSON;
      return answer(
        await stepUpWithPasskey(db, stepping(principal, request), response, relyingPartyOf(publicOrigin(request)), ctxOf(request)),
        request,
        "response",
      );
    },
  }),
  // Step up with your password (accounts without a second factor, in a tenant that does not require one)
  defineEndpoint({
    ...c.password,
    ...own,
    operationId: "consoleStepUpPassword",
    errors: [400, 409, 429],
    handler: async ({ db, principal, body, request }) =>
      answer(await stepUpWithPassword(db, stepping(principal, request), body.password, ctxOf(request)), request, "password"),
  }),
];
