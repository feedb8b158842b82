import { setTenantApprovalThreshold } from "@/db/queries/tenant-approval";
import { getTenant } from "@/db/queries/tenants";
import type { Db } from "@/db/client";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint, type Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { authorize } from "@/lib/auth/policy";
import { leaverApprovalContracts as c } from "@/lib/contracts/leaver-approval";

// The Leavers page's approval threshold card: every role that reads jobs sees it; admins change it (audited).

async function settingOf(db: Db, principal: Principal) {
  const tenant = await getTenant(db, principal.tenantId);
  if (!tenant) throw new ApiError("not_found", "No such tenant");
  const resource = { type: "Tenant" as const, id: principal.tenantId, tenantId: principal.tenantId };
  return { threshold: tenant.approvalThreshold, canChange: authorize(principal, "manageLeaverApproval", resource).allowed };
}

export const LEAVER_APPROVAL_ENDPOINTS = [
  // The tenant's "bulk jobs above N rows need a second admin" threshold
  defineEndpoint({
    ...c.get,
    dialect: consoleDialect,
    auth: "session",
    action: "readLeaverJobs",
    operationId: "consoleLeaverApprovalSetting",
    handler: async ({ db, principal }) => ({ data: { data: await settingOf(db, principal) } }),
  }),
  // Sets it (null: off); audited as tenant.approval_threshold_changed
  defineEndpoint({
    ...c.set,
    dialect: consoleDialect,
    auth: "session",
    action: "manageLeaverApproval",
    operationId: "consoleSetLeaverApprovalThreshold",
    // A safeguard's setting, as the MFA policy is: lowering it needs a recent authentication.
    stepUp: true,
    errors: [400],
    handler: async ({ db, principal, requestId, body }) => {
      await setTenantApprovalThreshold(db, principal.tenantId, body.threshold, {
        type: "admin",
        id: principal.actor.id,
        name: principal.actor.name,
        requestId,
      });
      return { data: { data: await settingOf(db, principal) } };
    },
  }),
];
