import type { Db } from "../client";
import { changeTenantSetting, type PolicyActor } from "./tenants";

/**
 * Sets the tenant's "bulk jobs above N rows need a second admin" threshold (null: off;
 * docs/decisions/0025) at once, audited as tenant.approval_threshold_changed (from, to): the CLI's
 * way, whose operator holds the database. Admins on the console go through
 * ./approval-threshold-requests.ts, where a looser one waits for another admin. Jobs already
 * waiting keep waiting; the new threshold applies to jobs confirmed from now on.
 */
export function setTenantApprovalThreshold(db: Db, tenantId: string, threshold: number | null, actor: PolicyActor, now = Date.now()) {
  const setting = { key: "approvalThreshold", column: "approval_threshold", action: "tenant.approval_threshold_changed" } as const;
  return changeTenantSetting(db, tenantId, setting, threshold, actor, now);
}
