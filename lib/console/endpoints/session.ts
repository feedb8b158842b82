import { parse as parseCookies } from "cookie";
import { revokeSession } from "@/db/queries/sessions";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { readSession, SESSION_COOKIE, signIn } from "@/lib/auth/session";
import { sessionContracts as c } from "@/lib/contracts/session";
import { secondFactorStarted } from "./mfa-sign-in";
import { sameOrigin, sessionCookie } from "./session-cookies";

const publicConsole = { dialect: consoleDialect, auth: "none" } as const;

export const SESSION_ENDPOINTS = [
  // Sign in with email and password; sets the httpOnly session cookie
  defineEndpoint({
    ...c.signIn,
    ...publicConsole,
    operationId: "consoleSignIn",
    errors: [400, 401, 403, 429],
    handler: async ({ db, body, request }) => {
      if (!sameOrigin(request)) throw new ApiError("forbidden", "Sign-in must come from Roster's own page", { notices: ["csrf"] });
      const previous = await readSession(db, parseCookies(request.headers.get("cookie") ?? "")[SESSION_COOKIE]);
      const result = await signIn(db, { ...body, clientAddress: request.clientIp, userAgent: request.headers.get("user-agent") });
      if (!result.ok) {
        const retryAfter = "retryAfterSeconds" in result ? { headers: { "retry-after": String(result.retryAfterSeconds) } } : {};
        if (result.reason === "throttled") {
          const minutes = result.retryAfterSeconds / 60;
          throw new ApiError("rate_limited", `Too many failed sign-ins: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, retryAfter);
        }
        if (result.reason === "busy") throw new ApiError("rate_limited", "Another sign-in from your address is in progress: try again in a moment", retryAfter);
        throw new ApiError("unauthorized", "Wrong email or password");
      }
      // A new session id at every sign-in: the one the browser held before (anyone's) ends.
      if (previous) await revokeSession(db, previous.sessionId);
      if ("secondFactor" in result) return secondFactorStarted(result.secondFactor, request);
      const cookie = sessionCookie(result.cookieValue, Math.floor((result.expiresAt - Date.now()) / 1000), request);
      return { data: { data: { status: "signed_in" as const, expiresAt: new Date(result.expiresAt).toISOString() } }, headers: { "set-cookie": cookie } };
    },
  }),
  // Sign out: revokes the session and clears the cookie
  defineEndpoint({
    ...c.signOut,
    ...publicConsole,
    operationId: "consoleSignOut",
    errors: [403],
    handler: async ({ db, request }) => {
      const session = await readSession(db, parseCookies(request.headers.get("cookie") ?? "")[SESSION_COOKIE]);
      if (session) {
        if (!sameOrigin(request)) throw new ApiError("forbidden", "Sign-out must come from Roster's own page", { notices: ["csrf"] });
        await revokeSession(db, session.sessionId);
      }
      return { empty: true, headers: { "set-cookie": sessionCookie("", 0, request) } };
    },
  }),
];
