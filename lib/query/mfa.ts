import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { consoleFetch } from "@/lib/console/fetch";
import { mfaContracts, type mfaOverview } from "@/lib/contracts/mfa";
import { mfaSignInContracts, type webAuthnResponse } from "@/lib/contracts/mfa-sign-in";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { mfaKeys } from "./keys";

export type MfaOverviewDto = z.infer<typeof mfaOverview>;

/** The signed-in admin's second factors, recovery codes left, and the tenant's MFA policy. */
export function mfaOverviewQuery() {
  return queryOptions({
    queryKey: mfaKeys.overview(),
    queryFn: async ({ signal }) => (await consoleFetch(mfaContracts.overview, { signal })).data,
  });
}

export const startTotpRequest = async () => (await consoleFetch(mfaContracts.startTotp, {})).data;
export const confirmTotpRequest = async (body: { code: string; label: string }) => (await consoleFetch(mfaContracts.confirmTotp, { body })).data;
export const removeFactorRequest = async (id: string) => (await consoleFetch(mfaContracts.removeFactor, { params: { id } })).data;
export const regenerateRecoveryCodesRequest = async () => (await consoleFetch(mfaContracts.regenerateRecoveryCodes, {})).data.recoveryCodes;
export const setMfaPolicyRequest = async (requireMfa: boolean) => (await consoleFetch(mfaContracts.setPolicy, { body: { requireMfa } })).data;

// The sign-in's second step (before any session): no CSRF token yet, the pending cookie instead.
export const signInTotpRequest = async (code: string) => (await consoleFetch(mfaSignInContracts.totp, { body: { code } })).data;
export const signInRecoveryCodeRequest = async (code: string) => (await consoleFetch(mfaSignInContracts.recoveryCode, { body: { code } })).data;
export const signInStartTotpEnrolmentRequest = async () => (await consoleFetch(mfaSignInContracts.startTotpEnrolment, {})).data;
export const signInConfirmTotpEnrolmentRequest = async (body: { code: string; label: string }) =>
  (await consoleFetch(mfaSignInContracts.confirmTotpEnrolment, { body })).data;

// Passkeys: the server's options go to the browser's WebAuthn API as they came (@simplewebauthn/browser checks them).
export async function addPasskeyRequest(label: string) {
  const { startRegistration } = await import("@simplewebauthn/browser");
  const options = (await consoleFetch(mfaContracts.startPasskey, {})).data as unknown as PublicKeyCredentialCreationOptionsJSON;
  const response = await startRegistration({ optionsJSON: options });
  return (
    await consoleFetch(mfaContracts.confirmPasskey, { body: { response: { ...response, type: "public-key", response: { ...response.response } }, label } })
  ).data;
}

/** A passkey assertion: the server's challenge to the browser's WebAuthn API, and its answer back (sign-in and step-up). */
export async function answerPasskeyChallenge<R>(challenge: () => Promise<{ data: unknown }>, answer: (response: WebAuthnAnswer) => Promise<R>): Promise<R> {
  const { startAuthentication } = await import("@simplewebauthn/browser");
  const options = (await challenge()).data as PublicKeyCredentialRequestOptionsJSON;
  const response = await startAuthentication({ optionsJSON: options });
  return answer({ ...response, type: "public-key", response: { ...response.response } });
}

type WebAuthnAnswer = z.input<typeof webAuthnResponse>;

export const signInPasskeyRequest = () =>
  answerPasskeyChallenge(
    () => consoleFetch(mfaSignInContracts.passkeyOptions, {}),
    async (response) => (await consoleFetch(mfaSignInContracts.passkey, { body: { response } })).data,
  );
