import { z } from "zod";
import type { Db } from "@/db/client";
import { forgetSsoAccount } from "@/db/queries/admin-sso-subjects";
import { findAdminByEmail } from "@/db/queries/admins";
import { findSsoSettings } from "@/db/queries/sso-configs";
import { normalizeEmail } from "@/lib/domain/email";
import { readSignInSettings, updateSignInSettings, type SignInSettingsInput } from "@/lib/console/sign-in-settings";
import { DEFAULT_ROLE_CLAIM, formatRoleMap, issuerProblem, parseDomains, parseRoleMap, SSO_CALLBACK_PATH } from "@/lib/contracts/sso";
import { parseArgsWith, UsageError, uuid } from "./args";
import { CLI_ACTOR, requireTenant, type CommandResult, type Flags } from "./command";

// `sso set|show|passwords|forget-account`: a tenant's single sign-on (docs/decisions/0021), the same
// settings the console's Sign-in page edits. `sso passwords on` is the break-glass when the provider
// fails; `sso forget-account` when it made an admin's account anew (a new subject).

/** A parser's answer, or its problem as the flag's usage error. */
function parsedFlag<T extends { ok: true }>(flag: string, parsed: T | { ok: false; problem: string }): T {
  if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.problem}`);
  return parsed;
}

export const ssoSetArgs = z.object({
  tenant: uuid("--tenant"),
  issuer: z
    .string({ error: "--issuer is required" })
    .trim()
    .superRefine((text, ctx) => {
      const problem = issuerProblem(text);
      if (problem) ctx.addIssue({ code: "custom", message: `--issuer: ${problem}` });
    })
    .transform((text) => text.replace(/\/+$/, "") || text),
  "client-id": z.string({ error: "--client-id is required" }).trim().min(1, "--client-id must not be empty").max(300),
  "client-secret": z.string().max(2000, "--client-secret is at most 2000 characters").optional(),
  domains: z.string().optional(),
  "role-claim": z.string().trim().min(1, "--role-claim must not be empty").max(200).optional(),
  "role-map": z.string().optional(),
});

const ssoTenantArgs = z.object({ tenant: uuid("--tenant") });
const ssoAdminArgs = z.object({ tenant: uuid("--tenant"), admin: z.email({ error: "--admin must be the admin's email address" }).max(200) });

function printable(settings: Awaited<ReturnType<typeof readSignInSettings>>, tenantName: string): string[] {
  if (!settings.configured) return [`Tenant ${tenantName} has no single sign-on. Set it up: npm run roster -- sso set --tenant ID --issuer URL …`];
  return [
    `Single sign-on of tenant ${tenantName}:`,
    `  issuer          ${settings.issuer}`,
    `  client id       ${settings.clientId} (secret ${settings.clientSecretSet ? "set" : "not set"})`,
    `  domains         ${settings.domains.join(", ") || "(none: nobody can sign in through SSO yet)"}`,
    `  role claim      ${settings.roleClaim}`,
    `  role map        ${formatRoleMap(settings.roleMap, ", ") || "(none: roles are managed in Roster, only existing admins sign in)"}`,
    `  passwords       ${settings.passwordsAllowed ? "allowed" : "off (SSO only)"}`,
    `  first SSO sign-in ${settings.firstSignInAt ?? "not yet"}`,
    `  redirect URI    https://<Roster's address>${SSO_CALLBACK_PATH}`,
  ];
}

async function save(db: Db, tenantId: string, input: SignInSettingsInput): Promise<CommandResult> {
  const tenant = await requireTenant(db, tenantId);
  const result = await updateSignInSettings(db, tenant.id, input, CLI_ACTOR);
  if (!result.ok) throw new UsageError(result.problem);
  return { json: { ok: true, tenantId: tenant.id, settings: result.settings }, text: printable(result.settings, tenant.name) };
}

/** Creates or changes the tenant's SSO; flags left out keep what is stored (domains, role claim and map, the secret). */
export async function ssoSetCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(ssoSetArgs, flags);
  const domains = args.domains === undefined ? undefined : parsedFlag("--domains", parseDomains(args.domains)).domains;
  const roleMap = args["role-map"] === undefined ? undefined : parsedFlag("--role-map", parseRoleMap(args["role-map"])).roleMap;
  const before = await findSsoSettings(db, args.tenant);
  return save(db, args.tenant, {
    issuer: args.issuer,
    clientId: args["client-id"],
    clientSecret: args["client-secret"],
    domains: domains ?? before?.domains ?? [],
    roleClaim: args["role-claim"] ?? before?.roleClaim ?? DEFAULT_ROLE_CLAIM,
    roleMap: roleMap ?? before?.roleMap ?? {},
    passwordsAllowed: before?.passwordsAllowed ?? true,
  });
}

export async function ssoShowCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(ssoTenantArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const settings = await readSignInSettings(db, tenant.id);
  return { json: { ok: true, tenantId: tenant.id, settings }, text: printable(settings, tenant.name) };
}

/** `sso passwords on|off`: whether the tenant's admins may still sign in with a password; `on` is the way back in when SSO breaks. */
export async function ssoPasswordsCommand(db: Db, flags: Flags, value: string | undefined): Promise<CommandResult> {
  if (value !== "on" && value !== "off") throw new UsageError("sso passwords needs on or off: npm run roster -- sso passwords on --tenant ID");
  const args = parseArgsWith(ssoTenantArgs, flags);
  const before = await findSsoSettings(db, args.tenant);
  if (!before) throw new UsageError(`tenant ${args.tenant} has no single sign-on; passwords are always allowed without it`);
  const { issuer, clientId, domains, roleClaim, roleMap } = before;
  return save(db, args.tenant, { issuer, clientId, clientSecret: undefined, domains, roleClaim, roleMap, passwordsAllowed: value === "on" });
}

/** `sso forget-account`: the admin's next SSO sign-in links whichever provider account then holds their address. */
export async function ssoForgetAccountCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(ssoAdminArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const found = await findAdminByEmail(db, tenant.id, normalizeEmail(args.admin));
  if (!found) throw new UsageError(`${args.admin} is not an admin of tenant ${tenant.name}`);
  const forgotten = await forgetSsoAccount(db, { tenantId: tenant.id, adminId: found.admin.id }, CLI_ACTOR);
  const text = forgotten
    ? `${found.user.email} is no longer linked to a provider account; their next SSO sign-in links the account holding ${found.user.email}.`
    : `${found.user.email} was not linked to a provider account; nothing changed.`;
  return { json: { ok: true, tenantId: tenant.id, adminId: found.admin.id, forgotten }, text: [text] };
}
