import { serialize } from "cookie";
import { PENDING_SIGN_IN_COOKIE, PENDING_SIGN_IN_COOKIE_PATH } from "@/lib/auth/mfa/pending-sign-in";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { BROWSER_ORIGIN_HEADER } from "@/lib/client-address";
import { serverEnv } from "@/lib/env";
import type { ApiRequest } from "@/lib/http/types";

// The cookies and the origin check the sign-in endpoints share (password, second factor, sign-out).

/**
 * The console's origin as browsers address it, which server/prepare-request.ts works out once per
 * request (PUBLIC_ORIGIN, or the Host with a scheme no client can forge). Not the request URL:
 * Next.js builds it from its own host and whatever X-Forwarded-Proto a client sends. A request
 * that did not come through the server (a test) falls back to PUBLIC_ORIGIN or plain http.
 */
export function publicOrigin(request: ApiRequest): URL {
  return new URL(request.headers.get(BROWSER_ORIGIN_HEADER) ?? serverEnv().PUBLIC_ORIGIN ?? `http://${request.headers.get("host") ?? request.url.host}`);
}

const isHttps = (request: ApiRequest) => publicOrigin(request).protocol === "https:";

export function sessionCookie(value: string, maxAgeSeconds: number, request: ApiRequest): string {
  return serialize(SESSION_COOKIE, value, { httpOnly: true, sameSite: "lax", path: "/", maxAge: maxAgeSeconds, secure: isHttps(request) });
}

/** A sign-in form posted from another site is refused (login CSRF); same-origin requests carry our Origin. */
export function sameOrigin(request: ApiRequest): boolean {
  const origin = request.headers.get("origin");
  return origin === null || origin === publicOrigin(request).origin;
}

const originOfUrl = (text: string) => {
  try {
    return new URL(text).origin;
  } catch {
    return null;
  }
};

/**
 * A navigation that starts a sign-in (single sign-on's GET) came from Roster's own page, or from
 * the address bar or a bookmark — not from another site's page (login CSRF). Sec-Fetch-Site says
 * so in every current browser, `same-site` (a sibling subdomain) counting as another site; a
 * browser without it is held to its Origin and Referer, either absent passing: such browsers, and
 * privacy settings, often send neither, and a start from another site that names none is then let
 * through rather than locking those people out of SSO (docs/decisions/0021).
 */
export function navigatedFromRoster(request: ApiRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const referer = request.headers.get("referer");
  return sameOrigin(request) && (referer === null || originOfUrl(referer) === publicOrigin(request).origin);
}

/** The pending sign-in's cookie: httpOnly, Strict, sent only to the sign-in endpoints; `maxAge` 0 clears it. */
export function pendingSignInCookie(value: string, maxAgeSeconds: number, request: ApiRequest): string {
  return serialize(PENDING_SIGN_IN_COOKIE, value, {
    httpOnly: true,
    sameSite: "strict",
    path: PENDING_SIGN_IN_COOKIE_PATH,
    maxAge: maxAgeSeconds,
    secure: isHttps(request),
  });
}
