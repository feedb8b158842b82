import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { Db } from "@/db/client";
import { putChallenge, takeChallenge } from "@/db/queries/mfa-challenges";
import { accountLabelOf, addFactor, listFactors, recordPasskeyUse, type FactorActor } from "@/db/queries/mfa-factors";
import type { PendingSignIn } from "@/db/queries/pending-sign-ins";
import type { MfaFactor } from "@/db/schema";
import { newRecoveryCodes } from "./recovery-codes";
import { guardedSecondFactor, settleSecondFactor, type FactorCheck, type SecondFactorContext, type SecondFactorOutcome } from "./second-factor";

// Passkeys (WebAuthn) through @simplewebauthn/server: registration from the Security page, and
// assertion as a sign-in's second factor (docs/decisions/0022). Each ceremony's challenge is kept
// server-side in mfa_challenges and taken (deleted) by the answer, so it is good once.

/**
 * The relying party is the console's public origin (PUBLIC_ORIGIN, or the Host the browser sent:
 * lib/console/endpoints/session-cookies.ts), never the URL Next.js builds from its own host:
 * its host name is the RP ID (WebAuthn refuses IP addresses).
 */
export type RelyingParty = { rpID: string; origin: string };
export const relyingPartyOf = (publicOrigin: URL): RelyingParty => ({ rpID: publicOrigin.hostname, origin: publicOrigin.origin });

const CEREMONY_TTL_MS = 5 * 60 * 1000;
const passkeysOf = async (db: Db, adminId: string) => (await listFactors(db, adminId)).filter((f) => f.kind === "passkey" && f.credentialId);
const asTransports = (factor: MfaFactor) => (factor.transports ?? []) as AuthenticatorTransportFuture[];

export async function startPasskeyRegistration(db: Db, admin: { tenantId: string; adminId: string }, rp: RelyingParty, now = Date.now()) {
  const account = await accountLabelOf(db, admin.adminId);
  const options = await generateRegistrationOptions({
    rpName: `Roster (${account?.tenantName ?? "console"})`,
    rpID: rp.rpID,
    userName: account?.email ?? admin.adminId,
    userID: new TextEncoder().encode(admin.adminId),
    attestationType: "none",
    // The same authenticator once per account.
    excludeCredentials: (await passkeysOf(db, admin.adminId)).map((f) => ({ id: f.credentialId!, transports: asTransports(f) })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await putChallenge(db, { ...admin, purpose: "passkey_registration", value: options.challenge, expiresAt: now + CEREMONY_TTL_MS }, now);
  return options;
}

export type PasskeyRegistrationResult = { ok: true; factor: MfaFactor; recoveryCodes: string[] | null } | { ok: false; reason: "no_ceremony" | "invalid" };

export async function confirmPasskeyRegistration(
  db: Db,
  admin: { tenantId: string; adminId: string },
  input: { response: RegistrationResponseJSON; label: string },
  rp: RelyingParty,
  actor: FactorActor,
  now = Date.now(),
): Promise<PasskeyRegistrationResult> {
  const challenge = await takeChallenge(db, admin.adminId, "passkey_registration", now);
  if (!challenge) return { ok: false, reason: "no_ceremony" };
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!verification.verified) return { ok: false, reason: "invalid" };
  const { credential } = verification.registrationInfo;
  const first = (await listFactors(db, admin.adminId)).length === 0;
  const recovery = first ? newRecoveryCodes() : null;
  const factor = await addFactor(
    db,
    {
      ...admin,
      kind: "passkey",
      label: input.label,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString("base64url"),
      signCount: credential.counter,
      transports: credential.transports ?? null,
    },
    actor,
    recovery?.hashes ?? null,
    now,
  );
  return { ok: true, factor, recoveryCodes: recovery?.codes ?? null };
}

/** The options for a passkey assertion (a sign-in's second step, or a step-up): the account's passkeys only. */
export async function startPasskeyAssertion(db: Db, admin: { tenantId: string; adminId: string }, rp: RelyingParty, now = Date.now()) {
  const passkeys = await passkeysOf(db, admin.adminId);
  const options = await generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: passkeys.map((f) => ({ id: f.credentialId!, transports: asTransports(f) })),
    userVerification: "preferred",
  });
  await putChallenge(
    db,
    { tenantId: admin.tenantId, adminId: admin.adminId, purpose: "passkey_authentication", value: options.challenge, expiresAt: now + CEREMONY_TTL_MS },
    now,
  );
  return options;
}

/** The browser's answer to the admin's last assertion challenge (taken: good once), checked against the admin's passkeys. */
export async function checkPasskeyAssertion(
  db: Db,
  adminId: string,
  response: AuthenticationResponseJSON,
  rp: RelyingParty,
  now: number,
): Promise<FactorCheck> {
  const challenge = await takeChallenge(db, adminId, "passkey_authentication", now);
  const factor = (await passkeysOf(db, adminId)).find((f) => f.credentialId === response.id);
  if (!challenge || !factor) return "invalid";
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: {
        id: factor.credentialId!,
        publicKey: Buffer.from(factor.publicKey!, "base64url"),
        counter: factor.signCount ?? 0,
        transports: asTransports(factor),
      },
      requireUserVerification: false,
    });
  } catch {
    return "invalid";
  }
  if (!verification.verified) return "invalid";
  await recordPasskeyUse(db, factor.id, verification.authenticationInfo.newCounter, now);
  return "ok";
}

export function signInWithPasskey(
  db: Db,
  pending: PendingSignIn,
  response: AuthenticationResponseJSON,
  ctx: SecondFactorContext & { rp: RelyingParty },
): Promise<SecondFactorOutcome> {
  return guardedSecondFactor(db, pending, "passkey", ctx, async () =>
    settleSecondFactor(db, pending, "passkey", await checkPasskeyAssertion(db, pending.adminId, response, ctx.rp, ctx.now ?? Date.now()), ctx),
  );
}
