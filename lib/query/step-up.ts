import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { consoleFetch, setCsrfToken } from "@/lib/console/fetch";
import { stepUpContracts, type stepUpStatus } from "@/lib/contracts/step-up";
import { stepUpKeys } from "./keys";
import { answerPasskeyChallenge } from "./mfa";

export type StepUpStatusDto = z.infer<typeof stepUpStatus>;

/** How the signed-in admin can step up; read afresh each time the dialog opens. */
export function stepUpStatusQuery() {
  return queryOptions({
    queryKey: stepUpKeys.status(),
    queryFn: async ({ signal }) => (await consoleFetch(stepUpContracts.status, { signal })).data,
    staleTime: 0,
  });
}

// Each step-up answers with the session's new CSRF token (its cookie was replaced too): set at once.
const stepped = ({ data }: { data: { csrfToken: string } }) => setCsrfToken(data.csrfToken);

export const stepUpTotpRequest = async (code: string) => stepped(await consoleFetch(stepUpContracts.totp, { body: { code } }));
export const stepUpRecoveryCodeRequest = async (code: string) => stepped(await consoleFetch(stepUpContracts.recoveryCode, { body: { code } }));
export const stepUpPasswordRequest = async (password: string) => stepped(await consoleFetch(stepUpContracts.password, { body: { password } }));

export const stepUpPasskeyRequest = () =>
  answerPasskeyChallenge(
    () => consoleFetch(stepUpContracts.passkeyOptions, {}),
    async (response) => stepped(await consoleFetch(stepUpContracts.passkey, { body: { response } })),
  );
