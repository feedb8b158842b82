import * as z from "zod/mini";
import { defineContract } from "./contract";

export const signInRequest = z.object({
  email: z.string({ error: "email is required" }).check(z.trim(), z.minLength(1, "email is required"), z.maxLength(200)),
  password: z.string({ error: "password is required" }).check(z.minLength(1, "password is required"), z.maxLength(200)),
});

export const sessionContracts = {
  signIn: defineContract({
    method: "POST",
    path: "/api/console/session",
    body: signInRequest,
    response: { status: 200, description: "Signed in; the session cookie is set", schema: z.object({ data: z.object({ expiresAt: z.string() }) }) },
  }),
  signOut: defineContract({
    method: "DELETE",
    path: "/api/console/session",
    response: { status: 204, description: "Signed out; the session cookie is cleared" },
  }),
};

/**
 * Where to go after signing in: only a path on this origin. `new URL` resolves what browsers would
 * (backslashes, tabs and newlines inside `/\\evil.example` or `/\\t/evil.example`), so anything
 * that would leave the origin falls back to the default.
 */
export function safeNextPath(next: unknown, origin: string, fallback = "/users"): string {
  if (typeof next !== "string" || next === "") return fallback;
  try {
    const url = new URL(next, origin);
    return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : fallback;
  } catch {
    return fallback;
  }
}
