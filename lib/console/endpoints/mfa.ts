import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint, type Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { authorize } from "@/lib/auth/policy";
import { confirmPasskeyRegistration, relyingPartyOf, startPasskeyRegistration } from "@/lib/auth/mfa/passkeys";
import { confirmTotpEnrolment, startTotpEnrolment } from "@/lib/auth/mfa/totp-enrolment";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { mfaContracts as c } from "@/lib/contracts/mfa";
import { mfaOverviewOf, regenerateOwnRecoveryCodes, removeOwnFactor, setMfaPolicy, toFactorDto, type SignedInAdmin } from "../mfa";
import { publicOrigin } from "./session-cookies";

// Every role manages its own second factors (manageOwnFactors); the tenant's policy is manageSignInPolicy.
// What lasts needs a recent authentication (docs/decisions/0023): saving a factor, removing one, new
// recovery codes — each is a way to step up, or takes one away. Starting an enrolment does not: it
// only keeps a secret or WebAuthn challenge for a few minutes, which nothing but the (gated) confirm
// can use, so the QR code or the passkey prompt comes first and the dialog, when needed, at confirm.
const own = { dialect: consoleDialect, auth: "session", action: "manageOwnFactors" } as const;

function signedIn(principal: Principal, requestId: string): SignedInAdmin {
  const tenant = { type: "Tenant" as const, id: principal.tenantId, tenantId: principal.tenantId };
  return {
    tenantId: principal.tenantId,
    adminId: principal.adminId!,
    actor: { type: "admin", id: principal.actor.id, name: principal.actor.name, requestId },
    mayChangePolicy: authorize(principal, "manageSignInPolicy", tenant).allowed,
  };
}

export const MFA_ENDPOINTS = [
  // Your second factors, recovery codes left, and the tenant's MFA policy
  defineEndpoint({
    ...c.overview,
    ...own,
    operationId: "consoleMfaOverview",
    handler: async ({ db, principal, requestId }) => ({ data: { data: await mfaOverviewOf(db, signedIn(principal, requestId)) } }),
  }),
  // Start adding an authenticator app: a secret and its QR code
  defineEndpoint({
    ...c.startTotp,
    ...own,
    operationId: "consoleMfaStartTotp",
    handler: async ({ db, principal }) => ({ data: { data: await startTotpEnrolment(db, { tenantId: principal.tenantId, adminId: principal.adminId! }) } }),
  }),
  // Confirm the authenticator app with a code from it
  defineEndpoint({
    ...c.confirmTotp,
    ...own,
    operationId: "consoleMfaConfirmTotp",
    stepUp: true,
    errors: [400, 409],
    handler: async ({ db, principal, requestId, body }) => {
      const admin = signedIn(principal, requestId);
      const result = await confirmTotpEnrolment(db, admin, { code: body.code, label: body.label || "Authenticator app" }, admin.actor);
      if (!result.ok && result.reason === "no_enrolment") throw new ApiError("conflict", "Start again: the secret expired or was replaced");
      if (!result.ok)
        throw new ApiError("invalid_input", "Wrong code: check the app shows Roster's entry and the device's clock is right", {
          details: { code: "wrong code" },
        });
      return { data: { data: { factor: toFactorDto(result.factor), recoveryCodes: result.recoveryCodes } } };
    },
  }),
  // Start adding a passkey: WebAuthn registration options
  defineEndpoint({
    ...c.startPasskey,
    ...own,
    operationId: "consoleMfaStartPasskey",
    handler: async ({ db, principal, request }) => ({
      data: {
        data: { ...(await startPasskeyRegistration(db, { tenantId: principal.tenantId, adminId: principal.adminId! }, relyingPartyOf(publicOrigin(request)))) },
      },
    }),
  }),
  // Save the passkey the browser made
  defineEndpoint({
    ...c.confirmPasskey,
    ...own,
    operationId: "consoleMfaConfirmPasskey",
    stepUp: true,
    errors: [400, 409],
    handler: async ({ db, principal, requestId, body, request }) => {
      const admin = signedIn(principal, requestId);
      const input = { response: body.response as unknown as RegistrationResponseJSON, label: body.label || "Passkey" };
      const result = await confirmPasskeyRegistration(db, admin, input, relyingPartyOf(publicOrigin(request)), admin.actor);
      if (!result.ok && result.reason === "no_ceremony") throw new ApiError("conflict", "Start again: the passkey request expired or was replaced");
      if (!result.ok) throw new ApiError("invalid_input", "The passkey could not be verified: try again");
      return { data: { data: { factor: toFactorDto(result.factor), recoveryCodes: result.recoveryCodes } } };
    },
  }),
  // Remove one of your factors
  defineEndpoint({
    ...c.removeFactor,
    ...own,
    operationId: "consoleMfaRemoveFactor",
    stepUp: true,
    errors: [400, 404, 409],
    handler: async ({ db, principal, requestId, params }) => ({ data: { data: await removeOwnFactor(db, signedIn(principal, requestId), params.id) } }),
  }),
  // New recovery codes (the old ones stop working)
  defineEndpoint({
    ...c.regenerateRecoveryCodes,
    ...own,
    operationId: "consoleMfaRegenerateRecoveryCodes",
    stepUp: true,
    errors: [409],
    handler: async ({ db, principal, requestId }) => ({
      data: { data: { recoveryCodes: await regenerateOwnRecoveryCodes(db, signedIn(principal, requestId)) } },
    }),
  }),
  // The tenant's "MFA required for admins" policy (admins only; audited)
  defineEndpoint({
    ...c.setPolicy,
    dialect: consoleDialect,
    auth: "session",
    action: "manageSignInPolicy",
    operationId: "consoleMfaSetPolicy",
    stepUp: true,
    errors: [400],
    handler: async ({ db, principal, requestId, body }) => ({ data: { data: await setMfaPolicy(db, signedIn(principal, requestId), body.requireMfa) } }),
  }),
];
