import * as z from "zod/mini";
import { defineContract } from "./contract";

export const signInRequest = z.object({
  email: z.string({ error: "email is required" }).check(z.trim(), z.minLength(1, "email is required"), z.maxLength(200)),
  password: z.string({ error: "password is required" }).check(z.minLength(1, "password is required"), z.maxLength(200)),
});

export const SECOND_FACTOR_METHODS = ["totp", "recovery_code", "passkey"] as const;

/** What a correct password leads to: a session, or a second factor (or its enrolment) first. */
export const signInStep = z.union([
  z.object({ status: z.literal("signed_in"), expiresAt: z.string() }),
  z.object({ status: z.literal("second_factor"), methods: z.array(z.enum(SECOND_FACTOR_METHODS)), expiresAt: z.string() }),
  z.object({ status: z.literal("enrol_factor"), expiresAt: z.string() }),
]);

export const sessionContracts = {
  signIn: defineContract({
    method: "POST",
    path: "/api/console/session",
    body: signInRequest,
    response: {
      status: 200,
      description:
        "The password was right. `signed_in`: the session cookie is set. `second_factor` or `enrol_factor` (the tenant requires MFA, or the " +
        "admin enrolled a factor): no session yet, but a sign-in cookie valid for a few minutes that only the second-factor endpoints take",
      schema: z.object({ data: signInStep }),
    },
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
 * that would leave the origin falls back to the default. The path it gives back is checked too:
 * dot segments resolve to one (`/.//evil.example` → `//evil.example`) that a browser reads as
 * another host when it is sent as it is, in a Location header.
 */
export function safeNextPath(next: unknown, origin: string, fallback = "/users"): string {
  if (typeof next !== "string" || next === "") return fallback;
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return fallback;
    const path = `${url.pathname}${url.search}${url.hash}`;
    return new URL(path, "http://another.invalid").host === "another.invalid" ? path : fallback;
  } catch {
    return fallback;
  }
}
