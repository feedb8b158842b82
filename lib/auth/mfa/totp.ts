import { Secret, TOTP } from "otpauth";

// RFC 6238 through otpauth: SHA-1, 6 digits, 30-second steps, a code of the step before or after
// accepted for clock drift. What the library leaves to us is replay: see verifyTotp.

const TOTP_SETTINGS = { algorithm: "SHA1", digits: 6, period: 30 } as const;
/** Steps either side of now whose codes are accepted (RFC 6238 §5.2 recommends at most one). */
export const TOTP_WINDOW = 1;

/** A new 160-bit secret (RFC 4226's recommended length), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans: "Roster (tenant)" as issuer, the admin's email as account. */
export function totpUri(secret: string, account: { issuer: string; email: string }): string {
  return new TOTP({ ...TOTP_SETTINGS, issuer: account.issuer, label: account.email, secret: Secret.fromBase32(secret) }).toString();
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: "invalid" | "replayed" };

/**
 * Checks a code against the secret at `now`. A code is good for one use: the step it belongs to
 * must be later than `lastStep`, the last one accepted (so a code seen over a shoulder or in a
 * log cannot be used again within its window, nor can an older one after a newer was used). The
 * caller stores the step it returns with a conditional update (acceptTotpStep), which is what
 * settles two concurrent uses of one code.
 */
export function verifyTotp(secret: string, code: string, lastStep: number | null, now = Date.now()): TotpCheck {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return { ok: false, reason: "invalid" };
  const totp = new TOTP({ ...TOTP_SETTINGS, secret: Secret.fromBase32(secret) });
  const delta = totp.validate({ token, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return { ok: false, reason: "invalid" };
  const step = totp.counter({ timestamp: now }) + delta;
  if (lastStep !== null && step <= lastStep) return { ok: false, reason: "replayed" };
  return { ok: true, step };
}
