import * as z from "zod/mini";
import { MFA_FACTOR_KINDS } from "@/db/constants";
import { isoTime, uuid } from "./common";
import { defineContract } from "./contract";
import { factorLabel, totpCode, totpEnrolmentStart, webAuthnOptions, webAuthnResponse } from "./mfa-sign-in";

/** A second factor as the Security page lists it: never its secret or public key. */
export const mfaFactor = z.object({
  id: z.string(),
  kind: z.enum(MFA_FACTOR_KINDS),
  label: z.string(),
  createdAt: isoTime,
  lastUsedAt: z.nullable(isoTime),
});

export const mfaOverview = z.object({
  factors: z.array(mfaFactor),
  recoveryCodesLeft: z.number(),
  /** The tenant's "MFA required for admins" policy, and whether the caller may change it. */
  policy: z.object({ requireMfa: z.boolean(), canChange: z.boolean() }),
});

const overview = z.object({ data: mfaOverview });
const recoveryCodes = z.object({ data: z.object({ recoveryCodes: z.array(z.string()) }) });

export const mfaContracts = {
  overview: defineContract({
    method: "GET",
    path: "/api/console/mfa",
    response: { status: 200, description: "Your second factors, your unused recovery codes, and the tenant's MFA policy", schema: overview },
  }),
  startTotp: defineContract({
    method: "POST",
    path: "/api/console/mfa/totp-enrolment",
    response: { status: 200, description: "A new authenticator secret to scan; saved once a code confirms it", schema: z.object({ data: totpEnrolmentStart }) },
  }),
  confirmTotp: defineContract({
    method: "POST",
    path: "/api/console/mfa/totp-enrolment/confirm",
    body: z.object({ code: totpCode, label: factorLabel }),
    response: {
      status: 201,
      description: "The authenticator app is enrolled; with your first factor, the recovery codes (shown once)",
      schema: z.object({ data: z.object({ factor: mfaFactor, recoveryCodes: z.nullable(z.array(z.string())) }) }),
    },
  }),
  startPasskey: defineContract({
    method: "POST",
    path: "/api/console/mfa/passkey-registration",
    response: {
      status: 200,
      description: "WebAuthn registration options with a single-use challenge",
      schema: z.object({ data: z.looseObject(webAuthnOptions.shape) }),
    },
  }),
  confirmPasskey: defineContract({
    method: "POST",
    path: "/api/console/mfa/passkey-registration/confirm",
    body: z.object({ response: webAuthnResponse, label: factorLabel }),
    response: {
      status: 201,
      description: "The passkey is enrolled; with your first factor, the recovery codes (shown once)",
      schema: z.object({ data: z.object({ factor: mfaFactor, recoveryCodes: z.nullable(z.array(z.string())) }) }),
    },
  }),
  removeFactor: defineContract({
    method: "DELETE",
    path: "/api/console/mfa/factors/{id}",
    params: z.object({ id: uuid("factor id") }),
    response: { status: 200, description: "The factor is removed (never your last one while the tenant requires MFA)", schema: overview },
  }),
  regenerateRecoveryCodes: defineContract({
    method: "POST",
    path: "/api/console/mfa/recovery-codes",
    response: { status: 200, description: "New recovery codes, shown once; the old ones no longer work", schema: recoveryCodes },
  }),
  setPolicy: defineContract({
    method: "PUT",
    path: "/api/console/mfa/policy",
    body: z.object({ requireMfa: z.boolean({ error: "requireMfa must be true or false" }) }),
    response: { status: 200, description: "The tenant's MFA policy as it now is (a change is audited)", schema: overview },
  }),
};
