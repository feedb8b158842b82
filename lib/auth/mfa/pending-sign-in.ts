import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/db/client";
import { listFactors } from "@/db/queries/mfa-factors";
import { createPendingSignIn, findLivePendingSignIn, type PendingSignIn } from "@/db/queries/pending-sign-ins";
import { recordSignInAttempt, type SignInCandidate } from "@/db/queries/sessions";
import { getTenant } from "@/db/queries/tenants";
import { sessionContracts } from "@/lib/contracts/session";
import { secondFactorStep } from "./requirement";

// The step between a correct password and a session (docs/decisions/0022). The browser holds a
// random value in an httpOnly cookie; the database holds its SHA-256, the admin, the expiry and
// the attempts, so that whichever instance answers the next request can finish the sign-in.

export const PENDING_SIGN_IN_COOKIE = "roster_sign_in";
/** The console's sign-in endpoints live under this path, and the cookie is sent to them only. */
export const PENDING_SIGN_IN_COOKIE_PATH = sessionContracts.signIn.path;
export const PENDING_SIGN_IN_TTL_MS = 5 * 60 * 1000;
/** Wrong second factors one pending sign-in allows; then the password must be typed again. */
export const PENDING_SIGN_IN_MAX_ATTEMPTS = 5;

export type SecondFactorMethod = "totp" | "recovery_code" | "passkey";

export type SecondFactorStart = {
  step: "challenge" | "enrol";
  /** The cookie's value; only its hash is stored. */
  cookieValue: string;
  expiresAt: number;
  methods: SecondFactorMethod[];
};

export const hashPendingValue = (value: string) => createHash("sha256").update(value).digest("base64url");

/** The methods an admin with these factors can answer a challenge with. */
export function challengeMethods(factors: { kind: "totp" | "passkey" }[]): SecondFactorMethod[] {
  const methods: SecondFactorMethod[] = [];
  if (factors.some((f) => f.kind === "totp")) methods.push("totp");
  if (factors.some((f) => f.kind === "passkey")) methods.push("passkey");
  if (factors.length > 0) methods.push("recovery_code");
  return methods;
}

/**
 * After a correct password: null when the password alone signs this admin in, otherwise a new
 * pending sign-in (audited as "second_factor_required") that only a second factor, or the
 * enrolment of a first one, turns into a session.
 */
export async function beginSecondFactor(
  db: Db,
  candidate: SignInCandidate,
  origin: { clientAddress: string; userAgent: string | null },
  now = Date.now(),
): Promise<SecondFactorStart | null> {
  const [tenant, factors] = await Promise.all([getTenant(db, candidate.tenantId), listFactors(db, candidate.adminId)]);
  const step = secondFactorStep({ tenantRequiresMfa: tenant?.requireMfa ?? true, factorCount: factors.length });
  if (step === "none") return null;
  const cookieValue = randomBytes(32).toString("base64url");
  const expiresAt = now + PENDING_SIGN_IN_TTL_MS;
  await createPendingSignIn(
    db,
    {
      tenantId: candidate.tenantId,
      adminId: candidate.adminId,
      tokenHash: hashPendingValue(cookieValue),
      expiresAt,
      clientAddress: origin.clientAddress,
      userAgent: origin.userAgent?.slice(0, 300) ?? null,
    },
    now,
  );
  await recordSignInAttempt(db, candidate, "second_factor_required", { clientAddress: origin.clientAddress, method: "password", step }, now);
  return { step, cookieValue, expiresAt, methods: challengeMethods(factors) };
}

/** The pending sign-in a cookie holds, while it may still go on. */
export async function readPendingSignIn(db: Db, cookieValue: string | undefined | null, now = Date.now()): Promise<PendingSignIn | null> {
  if (!cookieValue || cookieValue.length > 200) return null;
  return (await findLivePendingSignIn(db, hashPendingValue(cookieValue), PENDING_SIGN_IN_MAX_ATTEMPTS, now)) ?? null;
}
