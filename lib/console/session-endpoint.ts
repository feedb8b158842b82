import { parse as parseCookies, serialize } from "cookie";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { revokeSession } from "@/db/queries/sessions";
import { jitsudo } from "@/lib/api/dialects/jitsudo";
import { CLIENT_IP_HEADER } from "@/lib/api/client-ip";
import { ApiError } from "@/lib/api/errors";
import { parseJsonBody, readBodyText } from "@/lib/api/request-body";
import { readSession, SESSION_COOKIE, signIn } from "@/lib/auth/session";

const signInRequest = z.object({
  email: z.string({ error: "email is required" }).trim().min(1, "email is required").max(200),
  password: z.string({ error: "password is required" }).min(1, "password is required").max(200),
});

function respond(error: ApiError, url: URL, headers: Record<string, string> = {}): Response {
  const response = jitsudo.error(error, { requestId: "", method: "POST", url, bodyText: null });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, value, { httpOnly: true, sameSite: "lax", path: "/", maxAge: maxAgeSeconds, secure });
}

/** A sign-in form posted from another site is refused (login CSRF); same-origin requests carry our Origin. */
function sameOrigin(request: Request, url: URL): boolean {
  const origin = request.headers.get("origin");
  return origin === null || origin === url.origin || origin === `${url.protocol}//${request.headers.get("host")}`;
}

export async function signInRoute(request: Request): Promise<Response> {
  const url = new URL(request.url);
  try {
    if (!sameOrigin(request, url)) throw new ApiError("forbidden", "Sign-in must come from Roster's own page", { notices: ["csrf"] });
    const parsed = signInRequest.safeParse(parseJsonBody(await readBodyText(request, 16 * 1024)));
    if (!parsed.success) throw new ApiError("invalid_input", "Enter your email and password", { details: Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])) });
    const result = await signIn(getDb(), { ...parsed.data, clientAddress: request.headers.get(CLIENT_IP_HEADER) ?? "unknown" });
    if (!result.ok) {
      if (result.reason === "throttled") {
        const minutes = result.retryAfterSeconds / 60;
        return respond(new ApiError("rate_limited", `Too many failed sign-ins: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`), url, {
          "Retry-After": String(result.retryAfterSeconds),
        });
      }
      if (result.reason === "busy") {
        return respond(new ApiError("rate_limited", "Another sign-in from your address is in progress: try again in a moment"), url, { "Retry-After": String(result.retryAfterSeconds) });
      }
      return respond(new ApiError("unauthorized", "Wrong email or password"), url);
    }
    const response = Response.json({ data: { expiresAt: new Date(result.expiresAt).toISOString() } }, { status: 200 });
    response.headers.append("Set-Cookie", sessionCookie(result.cookieValue, Math.floor((result.expiresAt - Date.now()) / 1000), url.protocol === "https:"));
    response.headers.set("Cache-Control", "no-store");
    return response;
  } catch (error) {
    if (error instanceof ApiError) return respond(error, url);
    console.error("roster: sign-in failed:", error);
    return respond(new ApiError("internal", "Internal server error"), url);
  }
}

export async function signOutRoute(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const db = getDb();
  const session = readSession(db, parseCookies(request.headers.get("cookie") ?? "")[SESSION_COOKIE]);
  if (session) {
    if (!sameOrigin(request, url)) return respond(new ApiError("forbidden", "Sign-out must come from Roster's own page", { notices: ["csrf"] }), url);
    revokeSession(db, session.sessionId);
  }
  const response = new Response(null, { status: 204 });
  response.headers.append("Set-Cookie", sessionCookie("", 0, url.protocol === "https:"));
  return response;
}
