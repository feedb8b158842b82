import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { checkDiscovery } from "@/lib/auth/oidc-client";
import { ssoContracts as c } from "@/lib/contracts/sso";
import { readSignInSettings, updateSignInSettings } from "../sign-in-settings";

// Admins only (policy action manageSignInSettings): who can sign in, and how.
const admins = { dialect: consoleDialect, auth: "session", action: "manageSignInSettings" } as const;

export const SIGN_IN_SETTINGS_ENDPOINTS = [
  // The tenant's single sign-on settings; the client secret only as "set"
  defineEndpoint({
    ...c.read,
    ...admins,
    operationId: "consoleReadSignInSettings",
    handler: async ({ db, principal }) => ({ data: { data: await readSignInSettings(db, principal.tenantId) } }),
  }),
  // Save the settings (audited as sso.updated, without the secret); an empty secret keeps the stored one
  defineEndpoint({
    ...c.save,
    ...admins,
    operationId: "consoleSaveSignInSettings",
    stepUp: true,
    errors: [400, 409],
    handler: async ({ db, principal, body, requestId }) => {
      const actor = { type: "admin", id: principal.actor.id, name: principal.actor.name } as const;
      const result = await updateSignInSettings(db, principal.tenantId, body, actor, requestId);
      if (!result.ok) throw new ApiError("conflict", result.problem, { details: { [result.field]: result.problem } });
      return { data: { data: result.settings } };
    },
  }),
  // Read the issuer's discovery document as a sign-in would, and say what was found or what went wrong
  defineEndpoint({
    ...c.checkDiscovery,
    ...admins,
    operationId: "consoleCheckSsoDiscovery",
    errors: [400],
    handler: async ({ body }) => ({ data: { data: await checkDiscovery(body.issuer) } }),
  }),
];
