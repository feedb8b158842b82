import * as z from "zod/mini";
import { SIGN_IN_METHODS } from "@/db/constants";
import { signInRequest } from "./session";
import { defineContract } from "./contract";
import { totpCode, webAuthnChallenge, webAuthnResponse } from "./mfa-sign-in";

// Step-up (docs/decisions/0023): a signed-in admin proves again who they are before a destructive
// action. The refusal of such an action is a 403 problem of this `type`; the console answers it
// with its dialog, which uses these endpoints and then sends the refused request again.

export const STEP_UP_PROBLEM_TYPE = "urn:roster:problem:step-up-required";
/** The BroadcastChannel on which the single sign-on window tells the console page it is done (an opener link may not survive the provider). */
export const STEP_UP_CHANNEL = "roster-step-up";

/** The stepped-up session's new CSRF token: the session's cookie and this token were both replaced. */
const steppedUp = z.object({ data: z.object({ csrfToken: z.string(), authenticatedAt: z.string() }) });
const answered = (description: string) => ({ status: 200, description, schema: steppedUp });
const code = z.object({ code: totpCode });

export const stepUpStatus = z.object({
  /** How this admin can step up, best first: second factors, single sign-on, or the password alone. */
  methods: z.array(z.enum(SIGN_IN_METHODS)),
  authenticatedAt: z.nullable(z.string()),
  maxAgeSeconds: z.number(),
  /** False: the next step-up action will be refused until the admin steps up. */
  fresh: z.boolean(),
  csrfToken: z.string(),
});

export const stepUpContracts = {
  status: defineContract({
    method: "GET",
    path: "/api/console/step-up",
    response: {
      status: 200,
      description: "How the signed-in admin can step up, when they last authenticated, and the session's current CSRF token",
      schema: z.object({ data: stepUpStatus }),
    },
  }),
  totp: defineContract({
    method: "POST",
    path: "/api/console/step-up/totp",
    body: code,
    response: answered("The code was right: the session's cookie and CSRF token are new, authenticated now"),
  }),
  recoveryCode: defineContract({
    method: "POST",
    path: "/api/console/step-up/recovery-code",
    body: code,
    response: answered("The recovery code was unused and is now spent: the session is stepped up"),
  }),
  passkeyOptions: defineContract({ method: "POST", path: "/api/console/step-up/passkey-options", response: webAuthnChallenge }),
  passkey: defineContract({
    method: "POST",
    path: "/api/console/step-up/passkey",
    body: z.object({ response: webAuthnResponse }),
    response: answered("The passkey answered the challenge: the session is stepped up"),
  }),
  password: defineContract({
    method: "POST",
    path: "/api/console/step-up/password",
    body: z.pick(signInRequest, { password: true }),
    response: answered("The password was right (accounts with no second factor, where none is required)"),
  }),
};
