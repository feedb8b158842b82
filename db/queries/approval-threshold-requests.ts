import { v7 as timeOrderedUuid } from "uuid";
import { LEAVER_APPROVAL_TTL_MS } from "../constants";
import type { Db } from "../client";
import { inTransaction, prepared } from "../prepared";
import type { ApprovalThresholdRequest, Tenant } from "../schema";
import { changeTenantSetting, lockTenant, recordTenantEvent, type PolicyActor } from "./tenants";

// The tenant's approval threshold as admins change it (docs/decisions/0025, "Loosening it"): making
// it stricter is one admin's call; making it looser (a higher threshold, or off) waits for another
// admin while the tenant has one, or the admin it is meant to check could switch it off alone,
// run a large job and switch it back. The CLI (an operator with the database) sets it at once.

const COLUMNS = `id, tenant_id as "tenantId", threshold, from_threshold as "fromThreshold", requested_by_admin_id as "requestedByAdminId",
  requested_by_name as "requestedByName", requested_at as "requestedAt", expires_at as "expiresAt", decision, decided_by_admin_id as "decidedByAdminId",
  decided_by_name as "decidedByName", decided_at as "decidedAt", note, created_at as "createdAt", updated_at as "updatedAt"`;
const OPEN = `select ${COLUMNS} from approval_threshold_requests where tenant_id = ? and decision is null`;
const CLOSE = `update approval_threshold_requests set decision = ?, decided_by_admin_id = ?, decided_by_name = ?, decided_at = ?, note = ?, updated_at = ?
  where id = ? and decision is null`;
const INSERT = `insert into approval_threshold_requests (id, tenant_id, threshold, from_threshold, requested_by_admin_id, requested_by_name, requested_at,
  expires_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
// Someone who could decide: another admin of the tenant with the admin role, whose user is active.
const ANOTHER_ADMIN = `select 1 as "found" from admins a join users u on u.id = a.user_id
  where a.tenant_id = ? and a.role = 'admin' and a.id <> ? and u.active = true limit 1`;

const THRESHOLD = { key: "approvalThreshold", column: "approval_threshold", action: "tenant.approval_threshold_changed" } as const;
const NO_DECISION_NOTE = "no other admin approved or rejected the change in 72 hours";

/** The admin changing the setting: their admin account (never the one to approve it) and how the audit log names them. */
export type ThresholdAdmin = { adminId: string; actorId: string; name: string; requestId: string | null };

/** Whether `to` checks fewer jobs than `from`: a higher threshold, or none. */
const loosens = (from: number | null, to: number | null) => from !== null && (to === null || to > from);

/** The tenant's open request, if any and not past its time. */
export async function openThresholdRequest(db: Db, tenantId: string, now = Date.now()): Promise<ApprovalThresholdRequest | undefined> {
  const open = await prepared<ApprovalThresholdRequest>(db, OPEN).get(tenantId);
  return open && open.expiresAt > now ? open : undefined;
}

const adminActor = (admin: ThresholdAdmin): PolicyActor => ({ type: "admin", id: admin.actorId, name: admin.name, requestId: admin.requestId });
const EXPIRY: PolicyActor = { type: "system", name: "approval expiry" };

/** Closes an open request, in the caller's transaction: past its time it expires, else it ends as `decision` says. */
async function closeRequest(db: Db, open: ApprovalThresholdRequest, decision: "withdrawn" | "rejected", by: ThresholdAdmin, note: string | null, now: number) {
  const expired = open.expiresAt <= now;
  const ending = expired ? "expired" : decision;
  await prepared(db, CLOSE).run(ending, expired ? null : by.adminId, expired ? EXPIRY.name : by.name, now, expired ? NO_DECISION_NOTE : note, now, open.id);
  await recordTenantEvent(
    db,
    open.tenantId,
    expired ? EXPIRY : adminActor(by),
    `tenant.approval_threshold_request_${ending}`,
    ending,
    requestDetails(open, note),
    now,
  );
}

const requestDetails = (request: ApprovalThresholdRequest, note: string | null) => ({
  requestId: request.id,
  from: request.fromThreshold,
  to: request.threshold,
  requestedBy: request.requestedByName,
  ...(note ? { note } : {}),
});

export type ThresholdChangeResult =
  { status: "changed" | "unchanged"; tenant: Tenant } | { status: "requested"; tenant: Tenant; request: ApprovalThresholdRequest } | { status: "not-found" };

/**
 * An admin sets the threshold (null: off). A stricter one, or any while no other admin could
 * approve, applies at once (tenant.approval_threshold_changed); a looser one becomes a request for
 * another admin (tenant.approval_threshold_change_requested), which expires after 72 hours. Either
 * way the change replaces a request still open: the admin's last word is what stands.
 */
export function setApprovalThresholdAsAdmin(db: Db, tenantId: string, threshold: number | null, admin: ThresholdAdmin, now = Date.now()) {
  return inTransaction(db, "immediate", async (): Promise<ThresholdChangeResult> => {
    const tenant = await lockTenant(db, tenantId);
    if (!tenant) return { status: "not-found" };
    const open = await prepared<ApprovalThresholdRequest>(db, OPEN).get(tenantId);
    if (open) await closeRequest(db, open, "withdrawn", admin, null, now);
    const current = tenant.approvalThreshold;
    if (loosens(current, threshold) && (await prepared(db, ANOTHER_ADMIN).get(tenantId, admin.adminId))) {
      const id = timeOrderedUuid();
      const expiresAt = now + LEAVER_APPROVAL_TTL_MS;
      await prepared(db, INSERT).run(id, tenantId, threshold, current, admin.adminId, admin.name, now, expiresAt, now, now);
      const request = (await openThresholdRequest(db, tenantId, now))!;
      await recordTenantEvent(
        db,
        tenantId,
        adminActor(admin),
        "tenant.approval_threshold_change_requested",
        "requested",
        {
          ...requestDetails(request, null),
          expiresAt: new Date(expiresAt).toISOString(),
        },
        now,
      );
      return { status: "requested", tenant, request };
    }
    const changed = (await changeTenantSetting(db, tenantId, THRESHOLD, threshold, adminActor(admin), now))!;
    return { status: changed.changed ? "changed" : "unchanged", tenant: changed.tenant };
  });
}

export type ThresholdDecisionResult =
  | { status: "decided"; tenant: Tenant; decision: "approved" | "rejected" | "withdrawn" }
  | { status: "none-open" }
  | { status: "own-request" }
  | { status: "stale" };

/**
 * Another admin approves the tenant's open request (the threshold changes, audited with both
 * names) or rejects it; its requester may only withdraw it ("rejected" by them). `requestId` names
 * the request the admin saw: a newer one (or none) answers "stale" instead of deciding what they
 * did not see. One transaction with the tenant locked: of two decisions at once, one finds it open.
 */
export function decideApprovalThresholdRequest(
  db: Db,
  input: { tenantId: string; requestId: string; decision: "approved" | "rejected"; note: string | null; admin: ThresholdAdmin },
  now = Date.now(),
) {
  return inTransaction(db, "immediate", async (): Promise<ThresholdDecisionResult> => {
    const tenant = await lockTenant(db, input.tenantId);
    if (!tenant) return { status: "none-open" };
    const open = await prepared<ApprovalThresholdRequest>(db, OPEN).get(input.tenantId);
    if (!open || open.expiresAt <= now) {
      if (open) await closeRequest(db, open, "rejected", input.admin, null, now);
      return { status: "none-open" };
    }
    if (open.id !== input.requestId) return { status: "stale" };
    const mine = open.requestedByAdminId === input.admin.adminId;
    if (mine && input.decision === "approved") return { status: "own-request" };
    if (input.decision === "rejected") {
      await closeRequest(db, open, mine ? "withdrawn" : "rejected", input.admin, input.note, now);
      return { status: "decided", tenant, decision: mine ? "withdrawn" : "rejected" };
    }
    await prepared(db, CLOSE).run("approved", input.admin.adminId, input.admin.name, now, input.note, now, open.id);
    const actor = adminActor(input.admin);
    await recordTenantEvent(db, input.tenantId, actor, "tenant.approval_threshold_request_approved", "approved", requestDetails(open, input.note), now);
    const changed = (await changeTenantSetting(db, input.tenantId, THRESHOLD, open.threshold, actor, now))!;
    return { status: "decided", tenant: changed.tenant, decision: "approved" };
  });
}
