import {
  decideApprovalThresholdRequest,
  openThresholdRequest,
  setApprovalThresholdAsAdmin,
  type ThresholdAdmin,
} from "@/db/queries/approval-threshold-requests";
import { getTenant } from "@/db/queries/tenants";
import type { Db } from "@/db/client";
import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint, type Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { authorize } from "@/lib/auth/policy";
import { leaverApprovalContracts as c } from "@/lib/contracts/leaver-approval";

// The Leavers page's approval threshold card: every role that reads jobs sees it; admins change it
// (audited), and a looser threshold waits for another admin (db/queries/approval-threshold-requests.ts).

const iso = (ms: number) => new Date(ms).toISOString();

async function settingOf(db: Db, principal: Principal) {
  const tenant = await getTenant(db, principal.tenantId);
  if (!tenant) throw new ApiError("not_found", "No such tenant");
  const resource = { type: "Tenant" as const, id: principal.tenantId, tenantId: principal.tenantId };
  const canChange = authorize(principal, "manageLeaverApproval", resource).allowed;
  const open = await openThresholdRequest(db, principal.tenantId);
  const mine = open?.requestedByAdminId === principal.adminId;
  const pending = open && {
    id: open.id,
    threshold: open.threshold,
    from: open.fromThreshold,
    requestedBy: open.requestedByName,
    requestedAt: iso(open.requestedAt),
    expiresAt: iso(open.expiresAt),
    mine,
    canDecide: canChange && !mine,
  };
  return { threshold: tenant.approvalThreshold, canChange, pending: pending ?? null };
}

const thresholdAdmin = (principal: Principal, requestId: string): ThresholdAdmin => ({
  adminId: principal.adminId,
  actorId: principal.actor.id,
  name: principal.actor.name,
  requestId,
});

const session = { dialect: consoleDialect, auth: "session", action: "manageLeaverApproval", errors: [400, 403, 409] } as const;

function decisionEndpoint(decision: "approved" | "rejected") {
  const contract = decision === "approved" ? c.approve : c.reject;
  return defineEndpoint({
    ...contract,
    ...session,
    operationId: decision === "approved" ? "consoleApproveLeaverApprovalChange" : "consoleRejectLeaverApprovalChange",
    // Approving makes a safeguard weaker, as setting it lower does: a recent authentication.
    ...(decision === "approved" ? { stepUp: true as const } : {}),
    handler: async ({ db, principal, requestId, params, body }) => {
      const input = { tenantId: principal.tenantId, requestId: params.id, decision, note: body.note || null, admin: thresholdAdmin(principal, requestId) };
      const result = await decideApprovalThresholdRequest(db, input);
      if (result.status === "own-request")
        throw new ApiError("forbidden", "A looser threshold needs a second admin: the admin who asked for it cannot approve it", {
          notices: ["leaver-approval-four-eyes"],
        });
      if (result.status === "none-open") throw new ApiError("conflict", "No change of the threshold is waiting: it was decided, withdrawn or has expired");
      if (result.status === "stale") throw new ApiError("conflict", "A newer change replaced this request: look at it again before deciding");
      return { data: { data: await settingOf(db, principal) } };
    },
  });
}

export const LEAVER_APPROVAL_ENDPOINTS = [
  // The tenant's "bulk jobs above N rows need a second admin" threshold, and a looser one waiting
  defineEndpoint({
    ...c.get,
    dialect: consoleDialect,
    auth: "session",
    action: "readLeaverJobs",
    operationId: "consoleLeaverApprovalSetting",
    handler: async ({ db, principal }) => ({ data: { data: await settingOf(db, principal) } }),
  }),
  // Sets it (null: off), audited as tenant.approval_threshold_changed; a looser one becomes a request
  defineEndpoint({
    ...c.set,
    ...session,
    operationId: "consoleSetLeaverApprovalThreshold",
    // A safeguard's setting, as the MFA policy is: lowering it needs a recent authentication.
    stepUp: true,
    errors: [400],
    handler: async ({ db, principal, requestId, body }) => {
      const result = await setApprovalThresholdAsAdmin(db, principal.tenantId, body.threshold, thresholdAdmin(principal, requestId));
      if (result.status === "not-found") throw new ApiError("not_found", "No such tenant");
      return { data: { data: await settingOf(db, principal) } };
    },
  }),
  // Another admin approves a looser threshold, or rejects it (its requester: withdraws it)
  decisionEndpoint("approved"),
  decisionEndpoint("rejected"),
];
