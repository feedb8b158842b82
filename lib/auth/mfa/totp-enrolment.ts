import QRCode from "qrcode";
import type { Db } from "@/db/client";
import { peekChallenge, putChallenge, takeChallenge } from "@/db/queries/mfa-challenges";
import { accountLabelOf, addFactor, listFactors, type FactorActor } from "@/db/queries/mfa-factors";
import type { MfaFactor } from "@/db/schema";
import { newRecoveryCodes } from "./recovery-codes";
import { newTotpSecret, totpUri, verifyTotp } from "./totp";

// Adding an authenticator app, from the Security page or from a sign-in that must enrol: the
// secret is kept server-side until a code from the app proves it was scanned, and only then saved.

/** How long a shown secret may wait for its first code. */
const ENROLMENT_TTL_MS = 10 * 60 * 1000;

export type TotpEnrolmentStart = { secret: string; uri: string; qrDataUrl: string };
export type EnrollingAdmin = { tenantId: string; adminId: string };

export async function startTotpEnrolment(db: Db, admin: EnrollingAdmin, now = Date.now()): Promise<TotpEnrolmentStart> {
  const secret = newTotpSecret();
  await putChallenge(
    db,
    { tenantId: admin.tenantId, adminId: admin.adminId, purpose: "totp_enrolment", value: secret, expiresAt: now + ENROLMENT_TTL_MS },
    now,
  );
  const account = await accountLabelOf(db, admin.adminId);
  const uri = totpUri(secret, { issuer: `Roster (${account?.tenantName ?? "console"})`, email: account?.email ?? admin.adminId });
  return { secret, uri, qrDataUrl: await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 1, width: 200 }) };
}

export type TotpEnrolmentResult = { ok: true; factor: MfaFactor; recoveryCodes: string[] | null } | { ok: false; reason: "no_enrolment" | "invalid" };

/**
 * Saves the authenticator app once `code` matches the secret shown. The admin's first factor comes
 * with a new set of recovery codes, returned here to be shown once.
 */
export async function confirmTotpEnrolment(
  db: Db,
  admin: EnrollingAdmin,
  input: { code: string; label: string },
  actor: FactorActor,
  now = Date.now(),
): Promise<TotpEnrolmentResult> {
  const secret = await peekChallenge(db, admin.adminId, "totp_enrolment", now);
  if (!secret) return { ok: false, reason: "no_enrolment" };
  const check = verifyTotp(secret, input.code, null, now);
  if (!check.ok) return { ok: false, reason: "invalid" };
  if ((await takeChallenge(db, admin.adminId, "totp_enrolment", now)) !== secret) return { ok: false, reason: "no_enrolment" };
  const first = (await listFactors(db, admin.adminId)).length === 0;
  const recovery = first ? newRecoveryCodes() : null;
  const factor = await addFactor(
    db,
    { tenantId: admin.tenantId, adminId: admin.adminId, kind: "totp", label: input.label, totpSecret: secret, totpLastStep: check.step },
    actor,
    recovery?.hashes ?? null,
    now,
  );
  return { ok: true, factor, recoveryCodes: recovery?.codes ?? null };
}
