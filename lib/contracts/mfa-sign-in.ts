import * as z from "zod/mini";
import { defineContract } from "./contract";

// The sign-in's second step (docs/decisions/0022): after a correct password under the MFA policy
// (or for an admin with a factor), only these endpoints take the short-lived sign-in cookie.

export const totpCode = z
  .string({ error: "code is required" })
  .check(z.trim(), z.minLength(1, "code is required"), z.maxLength(20, "code is at most 20 characters"));
export const factorLabel = z._default(z.string().check(z.trim(), z.maxLength(60, "label is at most 60 characters")), "");

export const totpEnrolmentStart = z.object({
  /** Base32, for typing into an app by hand. */
  secret: z.string(),
  /** The otpauth:// URI the QR code holds. */
  uri: z.string(),
  qrDataUrl: z.string(),
});

/**
 * A WebAuthn ceremony's options (PublicKeyCredentialCreationOptionsJSON or …RequestOptionsJSON), passed
 * as they are to @simplewebauthn/browser; and the browser's answer, which @simplewebauthn/server verifies in full.
 */
export const webAuthnOptions = z.object({ challenge: z.string() });
export const webAuthnResponse = z.looseObject({ id: z.string().check(z.maxLength(1024)), type: z.literal("public-key"), response: z.looseObject({}) });

/** A single-use WebAuthn challenge for the account's passkeys (the sign-in's second step, a step-up). */
export const webAuthnChallenge = {
  status: 200,
  description: "A single-use WebAuthn challenge for the account's passkeys",
  schema: z.object({ data: z.looseObject(webAuthnOptions.shape) }),
};

const signedIn = z.object({
  data: z.object({
    expiresAt: z.string(),
    /** Shown once, when this sign-in enrolled the admin's first factor; null otherwise. */
    recoveryCodes: z.nullable(z.array(z.string())),
  }),
});

export const mfaSignInContracts = {
  totp: defineContract({
    method: "POST",
    path: "/api/console/session/totp",
    body: z.object({ code: totpCode }),
    response: { status: 200, description: "The code was right: the session cookie is set", schema: signedIn },
  }),
  recoveryCode: defineContract({
    method: "POST",
    path: "/api/console/session/recovery-code",
    body: z.object({ code: totpCode }),
    response: { status: 200, description: "The recovery code was unused and is now spent: the session cookie is set", schema: signedIn },
  }),
  passkeyOptions: defineContract({ method: "POST", path: "/api/console/session/passkey-options", response: webAuthnChallenge }),
  passkey: defineContract({
    method: "POST",
    path: "/api/console/session/passkey",
    body: z.object({ response: webAuthnResponse }),
    response: { status: 200, description: "The passkey answered the challenge: the session cookie is set", schema: signedIn },
  }),
  startTotpEnrolment: defineContract({
    method: "POST",
    path: "/api/console/session/totp-enrolment",
    response: {
      status: 200,
      description: "A new authenticator secret for an admin who must enrol a first factor",
      schema: z.object({ data: totpEnrolmentStart }),
    },
  }),
  confirmTotpEnrolment: defineContract({
    method: "POST",
    path: "/api/console/session/totp-enrolment/confirm",
    body: z.object({ code: totpCode, label: factorLabel }),
    response: { status: 200, description: "The app is enrolled and the session cookie set; the recovery codes are shown once", schema: signedIn },
  }),
};
