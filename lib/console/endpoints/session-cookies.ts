import { serialize } from "cookie";
import { PENDING_SIGN_IN_COOKIE, PENDING_SIGN_IN_COOKIE_PATH } from "@/lib/auth/mfa/pending-sign-in";
import { SESSION_COOKIE } from "@/lib/auth/session";
import type { ApiRequest } from "@/lib/http/types";

// The cookies and the origin check the sign-in endpoints share (password, second factor, sign-out).

export function sessionCookie(value: string, maxAgeSeconds: number, request: ApiRequest): string {
  return serialize(SESSION_COOKIE, value, { httpOnly: true, sameSite: "lax", path: "/", maxAge: maxAgeSeconds, secure: request.url.protocol === "https:" });
}

/** A sign-in form posted from another site is refused (login CSRF); same-origin requests carry our Origin. */
export function sameOrigin(request: ApiRequest): boolean {
  const origin = request.headers.get("origin");
  return origin === null || origin === request.url.origin || origin === `${request.url.protocol}//${request.headers.get("host")}`;
}

/** The pending sign-in's cookie: httpOnly, Strict, sent only to the sign-in endpoints; `maxAge` 0 clears it. */
export function pendingSignInCookie(value: string, maxAgeSeconds: number, request: ApiRequest): string {
  return serialize(PENDING_SIGN_IN_COOKIE, value, {
    httpOnly: true,
    sameSite: "strict",
    path: PENDING_SIGN_IN_COOKIE_PATH,
    maxAge: maxAgeSeconds,
    secure: request.url.protocol === "https:",
  });
}
