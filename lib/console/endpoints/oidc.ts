import { parse as parseCookies, serialize } from "cookie";
import * as z from "zod/mini";
import { revokeSession } from "@/db/queries/sessions";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint } from "@/lib/api/endpoint";
import { consumeRateLimit } from "@/lib/api/rate-limit";
import { addressKey } from "@/lib/client-address";
import { beginOidcSignIn, completeOidcSignIn, OIDC_LOGIN_TTL_MS } from "@/lib/auth/oidc-sign-in";
import { readSession, SESSION_COOKIE } from "@/lib/auth/session";
import { safeNextPath } from "@/lib/contracts/session";
import { oidcContracts as c, STEP_UP_DONE_PATH, type SsoErrorCode } from "@/lib/contracts/sso";
import type { Db } from "@/db/client";
import { serverEnv } from "@/lib/env";
import type { ApiRequest } from "@/lib/http/types";
import { navigatedFromRoster, publicOrigin, sessionCookie } from "./session-cookies";

// Single sign-on through the tenant's OpenID Connect provider (lib/auth/oidc-sign-in.ts): two
// browser navigations answered with redirects, never problem+json a person would have to read.

const publicConsole = { dialect: consoleDialect, auth: "none" } as const;
/** The browser's half of a login in progress: sent only to these two paths, for as long as the login lives. */
export const OIDC_COOKIE = "roster_oidc";

function oidcCookie(value: string, maxAgeSeconds: number, request: ApiRequest): string {
  return serialize(OIDC_COOKIE, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/api/auth/oidc",
    maxAge: maxAgeSeconds,
    // https as the browser sees it (a proxy may terminate TLS), so the cookie is never sent in the clear.
    secure: publicOrigin(request).protocol === "https:",
  });
}

/** Back to the sign-in page, which says why in its own words; `next` survives so a retry lands where it meant to. */
function backToLogin(code: SsoErrorCode, next?: string) {
  const query = new URLSearchParams({ sso_error: code });
  if (next && next !== "/users") query.set("next", next);
  return { redirect: `/login?${query}`, status: 303 };
}

const workEmail = z.email().check(z.maxLength(200));

/** The step-up window's last page, which tells the console page that opened it (docs/decisions/0023). */
const stepUpDone = (code?: SsoErrorCode) => ({ redirect: code ? `${STEP_UP_DONE_PATH}?sso_error=${code}` : STEP_UP_DONE_PATH, status: 303 });

/** A signed-in admin re-authenticating at the tenant's provider for a step-up: the session's own tenant and email. */
async function startStepUp(db: Db, request: ApiRequest, origin: string) {
  const session = await readSession(db, parseCookies(request.headers.get("cookie") ?? "")[SESSION_COOKIE]);
  if (!session) return stepUpDone("step_up_session_ended");
  const stepUp = { sessionId: session.sessionId, tenantId: session.tenantId, maxAgeSeconds: serverEnv().STEP_UP_MAX_AGE_SECONDS };
  const result = await beginOidcSignIn(db, { email: session.userEmail, next: STEP_UP_DONE_PATH, origin, stepUp });
  if (!result.ok) return stepUpDone(result.code);
  return { redirect: result.location, status: 302, cookies: [oidcCookie(result.cookieValue, OIDC_LOGIN_TTL_MS / 1000, request)] };
}

export const OIDC_ENDPOINTS = [
  // Start SSO: the tenant whose SSO lets the email's domain in sends the browser to its provider
  defineEndpoint({
    ...c.start,
    ...publicConsole,
    operationId: "consoleSsoStart",
    handler: async ({ db, query, request }) => {
      const origin = publicOrigin(request).origin;
      const next = safeNextPath(query.next, origin);
      if (!navigatedFromRoster(request)) return query.step_up ? stepUpDone("cross_site_start") : backToLogin("cross_site_start", next);
      // Each start writes a row: an address gets the API's budget of them.
      if ((await consumeRateLimit(`sso:${addressKey(request.clientIp)}`)).limited)
        return query.step_up ? stepUpDone("rate_limited") : backToLogin("rate_limited", next);
      if (query.step_up) return startStepUp(db, request, origin);
      const email = query.email?.trim() ?? "";
      if (!z.safeParse(workEmail, email).success) return backToLogin("invalid_email", next);
      const result = await beginOidcSignIn(db, { email, next, origin });
      if (!result.ok) return backToLogin(result.code, next);
      return { redirect: result.location, status: 302, cookies: [oidcCookie(result.cookieValue, OIDC_LOGIN_TTL_MS / 1000, request)] };
    },
  }),
  // The provider's redirect back: checks the login and the ID token, opens a console session
  defineEndpoint({
    ...c.callback,
    ...publicConsole,
    operationId: "consoleSsoCallback",
    handler: async ({ db, request }) => {
      const cookies = parseCookies(request.headers.get("cookie") ?? "");
      const previous = await readSession(db, cookies[SESSION_COOKIE]);
      const result = await completeOidcSignIn(db, {
        cookieValue: cookies[OIDC_COOKIE],
        callbackUrl: request.url,
        origin: { userAgent: request.headers.get("user-agent"), clientAddress: request.clientIp },
        sessionCookieValue: cookies[SESSION_COOKIE],
        stepUpMaxAgeSeconds: serverEnv().STEP_UP_MAX_AGE_SECONDS,
      });
      const cleared = oidcCookie("", 0, request);
      if (!result.ok) return { ...(result.stepUp ? stepUpDone(result.code) : backToLogin(result.code)), cookies: [cleared] };
      // A new session id at every sign-in: the one the browser held before (anyone's) ends. A
      // step-up rotated that session's id itself.
      if (previous && !result.stepUp) await revokeSession(db, previous.sessionId);
      const session = sessionCookie(result.cookieValue, Math.floor((result.expiresAt - Date.now()) / 1000), request);
      return { redirect: result.nextPath, status: 303, cookies: [cleared, session] };
    },
  }),
];
