import type { Db } from "@/db/client";
import { issueProvisioningToken, notScimProvider, readProvisioningOverview, revokeProvisioningToken } from "@/lib/console/provisioning";
import { SCIM_BASE_PATH } from "@/lib/scim/wire";
import { parseArgsWith, scimTokenCreateArgs, scimTokenListArgs, scimTokenRevokeArgs, UsageError } from "./args";
import { CLI_ACTOR, requireTenant, type CommandResult, type Flags } from "./command";

// `scim token create|list|revoke`: the provisioning tokens identity providers push users with
// (docs/decisions/0017), the same ones the console's Provisioning page manages.

export async function scimTokenCreateCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(scimTokenCreateArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const result = await issueProvisioningToken(db, { tenantId: tenant.id, providerName: args.provider, name: args.name, actor: CLI_ACTOR });
  if (!result.ok) throw new UsageError(`${notScimProvider(result.conflict)}; name a SCIM provider with --provider NAME`);
  const { token, providerCreated } = result;
  return {
    json: { ok: true, token: token.token, providerId: token.providerId, tokenId: token.id, providerName: token.providerName, providerCreated },
    text: [
      `Provisioning token ${token.id} "${token.name}" for the SCIM identity provider "${token.providerName}" (${token.providerId}${providerCreated ? ", created now" : ""}) of tenant ${tenant.name}.`,
      `Token (shown once, store it now; Roster keeps only its hash): ${token.token}`,
      `In the identity provider: SCIM base URL https://<Roster's address>${SCIM_BASE_PATH}, the token as bearer token (Authorization: Bearer <token>).`,
    ],
  };
}

export async function scimTokenListCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(scimTokenListArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const { providers, tokens } = await readProvisioningOverview(db, tenant.id);
  return {
    json: { ok: true, providers, tokens },
    text: tokens.length
      ? tokens.map(
          (t) =>
            `${t.id}  ${t.status.padEnd(7)}  ${t.providerName}  "${t.name}"  created ${t.createdAt} by ${t.createdBy?.name ?? CLI_ACTOR.name}, ` +
            (t.lastUsedAt ? `last used ${t.lastUsedAt}` : "never used"),
        )
      : [`Tenant ${tenant.name} has no provisioning tokens. Create one: npm run roster -- scim token create --tenant ${tenant.id}`],
  };
}

export async function scimTokenRevokeCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(scimTokenRevokeArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const result = await revokeProvisioningToken(db, tenant.id, args.id, CLI_ACTOR);
  if (result.status === "not-found")
    throw new UsageError(`tenant ${tenant.id} has no provisioning token ${args.id} (see: npm run roster -- scim token list --tenant ${tenant.id})`);
  const { token } = result;
  return {
    json: { ok: true, id: token.id, status: result.status, revokedAt: token.revokedAt },
    text: [
      result.status === "revoked"
        ? `Provisioning token ${token.id} "${token.name}" of ${token.providerName} revoked: its next request is refused.`
        : `Provisioning token ${token.id} "${token.name}" was already revoked.`,
    ],
  };
}
