import type { Db } from "@/db/client";
import { setTenantRequireMfa } from "@/db/queries/tenants";
import { parseArgsWith, tenantSetArgs } from "./args";
import { CLI_ACTOR, requireTenant, type CommandResult, type Flags } from "./command";

// `tenant set`: the tenant's settings an operator changes from a shell (docs/decisions/0022).

export async function tenantSetCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(tenantSetArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const requireMfa = args["require-mfa"];
  const result = (await setTenantRequireMfa(db, tenant.id, requireMfa, CLI_ACTOR))!;
  return {
    json: { ok: true, tenantId: tenant.id, requireMfa, changed: result.changed },
    text: [
      result.changed
        ? `Tenant ${tenant.name}: MFA is now ${requireMfa ? "required" : "no longer required"} for its admins.`
        : `Tenant ${tenant.name}: MFA was already ${requireMfa ? "required" : "not required"}; nothing changed.`,
    ],
  };
}
