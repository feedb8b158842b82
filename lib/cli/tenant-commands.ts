import type { Db } from "@/db/client";
import { setTenantApprovalThreshold } from "@/db/queries/tenant-approval";
import { setTenantTimeZone } from "@/db/queries/tenant-time-zone";
import { setTenantRequireMfa } from "@/db/queries/tenants";
import { parseArgsWith, tenantSetArgs } from "./args";
import { CLI_ACTOR, requireTenant, type CommandResult, type Flags } from "./command";

// `tenant set`: the tenant's settings an operator changes from a shell (docs/decisions/0022, 0024, 0025).

const thresholdText = (threshold: number | null) => (threshold === null ? "off" : `${threshold} rows`);

export async function tenantSetCommand(db: Db, flags: Flags): Promise<CommandResult> {
  const args = parseArgsWith(tenantSetArgs, flags);
  const tenant = await requireTenant(db, args.tenant);
  const json: Record<string, unknown> = { ok: true, tenantId: tenant.id };
  const text: string[] = [];
  let changed = false;
  const requireMfa = args["require-mfa"];
  if (requireMfa !== undefined) {
    const result = (await setTenantRequireMfa(db, tenant.id, requireMfa, CLI_ACTOR))!;
    changed ||= result.changed;
    json.requireMfa = requireMfa;
    text.push(
      result.changed
        ? `Tenant ${tenant.name}: MFA is now ${requireMfa ? "required" : "no longer required"} for its admins.`
        : `Tenant ${tenant.name}: MFA was already ${requireMfa ? "required" : "not required"}; nothing changed.`,
    );
  }
  const threshold = args["approval-threshold"];
  if (threshold !== undefined) {
    const result = (await setTenantApprovalThreshold(db, tenant.id, threshold, CLI_ACTOR))!;
    changed ||= result.changed;
    json.approvalThreshold = threshold;
    text.push(
      result.changed
        ? `Tenant ${tenant.name}: ${threshold === null ? "bulk leaver jobs no longer need a second admin" : `bulk leaver jobs need a second admin above ${threshold} rows`}.`
        : `Tenant ${tenant.name}: the approval threshold was already ${thresholdText(threshold)}; nothing changed.`,
    );
  }
  const timeZone = args["time-zone"];
  if (timeZone !== undefined) {
    const result = (await setTenantTimeZone(db, tenant.id, timeZone, CLI_ACTOR))!;
    json.timeZone = timeZone;
    changed ||= result.changed;
    text.push(
      result.changed
        ? `Tenant ${tenant.name}: time zone is now ${timeZone}; effective_at dates end at 23:59:59.999 there.`
        : `Tenant ${tenant.name}: time zone was already ${timeZone}; nothing changed.`,
    );
  }
  return { json: { ...json, changed }, text };
}
