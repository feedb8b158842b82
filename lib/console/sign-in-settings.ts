import type { z } from "zod/mini";
import type { Db } from "@/db/client";
import { findSsoSettings, saveSsoSettings, type SsoSettings } from "@/db/queries/sso-configs";
import type { WebhookActor } from "@/db/queries/webhook-endpoints";
import { DEFAULT_ROLE_CLAIM, type ssoSettings, type ssoSettingsRequest } from "@/lib/contracts/sso";

// What the console's Sign-in page, its endpoints and the `sso` CLI commands share (docs/decisions/0021).

type SettingsWire = z.input<typeof ssoSettings>;
export type SignInSettingsInput = z.output<typeof ssoSettingsRequest>;

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The settings as the console and the CLI show them: whether a secret is set, never the secret. */
export function toSignInSettings(settings: SsoSettings | undefined): SettingsWire {
  if (!settings) {
    const none = { issuer: "", clientId: "", clientSecretSet: false, domains: [], roleClaim: DEFAULT_ROLE_CLAIM, roleMap: {} };
    return { configured: false, ...none, passwordsAllowed: true, firstSignInAt: null, updatedAt: null, updatedBy: null };
  }
  return {
    configured: true,
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecretSet: settings.clientSecret.length > 0,
    domains: settings.domains,
    roleClaim: settings.roleClaim,
    roleMap: settings.roleMap,
    passwordsAllowed: settings.passwordsAllowed,
    firstSignInAt: isoOrNull(settings.firstSignInAt),
    updatedAt: isoOrNull(settings.updatedAt),
    updatedBy: settings.updatedBy,
  };
}

export async function readSignInSettings(db: Db, tenantId: string): Promise<SettingsWire> {
  return toSignInSettings(await findSsoSettings(db, tenantId));
}

export type SaveSignInSettingsResult = { ok: true; settings: SettingsWire } | { ok: false; field: keyof SignInSettingsInput; problem: string };

/** Saves the settings (audited as `sso.updated`), or says which field stands in the way and why. */
export async function updateSignInSettings(
  db: Db,
  tenantId: string,
  input: SignInSettingsInput,
  actor: WebhookActor,
  requestId?: string,
): Promise<SaveSignInSettingsResult> {
  const result = await saveSsoSettings(db, { tenantId, ...input, clientSecret: input.clientSecret || null, actor, requestId });
  if (result.ok) return { ok: true, settings: toSignInSettings(result.settings) };
  switch (result.problem) {
    case "secret_required":
      return {
        ok: false,
        field: "clientSecret",
        problem: "the client secret is required when SSO is first set up, and again when the issuer or client ID changes",
      };
    case "domains_taken":
      return {
        ok: false,
        field: "domains",
        problem: `${result.domains.join(", ")} already sign${result.domains.length === 1 ? "s" : ""} in to another tenant`,
      };
    case "no_sso_sign_in_yet":
      return {
        ok: false,
        field: "passwordsAllowed",
        problem: "passwords can be switched off once someone has signed in through SSO (so a broken setup cannot lock everyone out)",
      };
  }
}
