import { describe, expect, it } from "vitest";
import { LEAVER_APPROVAL_TTL_MS } from "@/db/constants";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { decideApprovalThresholdRequest, openThresholdRequest, setApprovalThresholdAsAdmin, type ThresholdAdmin } from "./approval-threshold-requests";
import { getTenant } from "./tenants";
import { deactivateUser } from "./user-status";

// Loosening the four-eyes threshold needs the other eyes too (docs/decisions/0025), on whichever database the suite runs.
const db = createTestDb();

async function adminOf(tenantId: string, name: string, role: "admin" | "helpdesk" = "admin") {
  const { admin, user } = await makeAdminWithToken(db, tenantId, { role });
  const as: ThresholdAdmin = { adminId: admin.id, actorId: admin.id, name, requestId: `req-${name}` };
  return { as, user };
}

async function setup(threshold: number | null = 100) {
  const tenant = await makeTenant(db, undefined, { approvalThreshold: threshold });
  return { tenant, alice: await adminOf(tenant.id, "Alice"), bob: await adminOf(tenant.id, "Bob") };
}

const thresholdOf = async (tenantId: string) => (await getTenant(db, tenantId))!.approvalThreshold;
const eventsOf = (tenantId: string) =>
  prepared<{ action: string; actorName: string; outcome: string }>(
    db,
    `select action, actor_name as "actorName", outcome from audit_events where tenant_id = ? and action like 'tenant.approval_threshold%' order by chain_seq`,
  ).all(tenantId);

describe("changing the approval threshold as an admin", () => {
  it("applies a stricter threshold at once, from one admin", async () => {
    const { tenant, alice } = await setup(100);
    expect((await setApprovalThresholdAsAdmin(db, tenant.id, 10, alice.as)).status).toBe("changed");
    expect(await thresholdOf(tenant.id)).toBe(10);
    const off = await makeTenant(db, undefined, { approvalThreshold: null });
    const carol = await adminOf(off.id, "Carol");
    await adminOf(off.id, "Dan");
    expect((await setApprovalThresholdAsAdmin(db, off.id, 50, carol.as)).status).toBe("changed");
    expect(await thresholdOf(off.id)).toBe(50);
  });

  it("turns a looser one into a request that only another admin can approve", async () => {
    const { tenant, alice, bob } = await setup(100);
    const result = await setApprovalThresholdAsAdmin(db, tenant.id, null, alice.as);
    expect(result.status).toBe("requested");
    expect(await thresholdOf(tenant.id)).toBe(100);
    const request = (await openThresholdRequest(db, tenant.id))!;
    expect(request).toMatchObject({ threshold: null, fromThreshold: 100, requestedByName: "Alice", decision: null });

    const own = { tenantId: tenant.id, requestId: request.id, decision: "approved" as const, note: null, admin: alice.as };
    expect((await decideApprovalThresholdRequest(db, own)).status).toBe("own-request");
    expect(await thresholdOf(tenant.id)).toBe(100);

    const approved = await decideApprovalThresholdRequest(db, { ...own, admin: bob.as, note: "HR migration week" });
    expect(approved).toMatchObject({ status: "decided", decision: "approved" });
    expect(await thresholdOf(tenant.id)).toBeNull();
    expect(await openThresholdRequest(db, tenant.id)).toBeUndefined();
    expect(await eventsOf(tenant.id)).toEqual([
      { action: "tenant.approval_threshold_change_requested", actorName: "Alice", outcome: "requested" },
      { action: "tenant.approval_threshold_request_approved", actorName: "Bob", outcome: "approved" },
      { action: "tenant.approval_threshold_changed", actorName: "Bob", outcome: "success" },
    ]);
    // Decided once: a second decision finds nothing open.
    expect((await decideApprovalThresholdRequest(db, { ...own, admin: bob.as })).status).toBe("none-open");
  });

  it("a raised threshold waits too; another admin may reject it, its requester withdraw it", async () => {
    const { tenant, alice, bob } = await setup(100);
    await setApprovalThresholdAsAdmin(db, tenant.id, 5_000, alice.as);
    const first = (await openThresholdRequest(db, tenant.id))!;
    const rejected = await decideApprovalThresholdRequest(db, { tenantId: tenant.id, requestId: first.id, decision: "rejected", note: "no", admin: bob.as });
    expect(rejected).toMatchObject({ status: "decided", decision: "rejected" });
    expect(await thresholdOf(tenant.id)).toBe(100);

    await setApprovalThresholdAsAdmin(db, tenant.id, 5_000, alice.as);
    const second = (await openThresholdRequest(db, tenant.id))!;
    const withdrawn = await decideApprovalThresholdRequest(db, {
      tenantId: tenant.id,
      requestId: second.id,
      decision: "rejected",
      note: null,
      admin: alice.as,
    });
    expect(withdrawn).toMatchObject({ status: "decided", decision: "withdrawn" });
    expect(await openThresholdRequest(db, tenant.id)).toBeUndefined();
    expect(await thresholdOf(tenant.id)).toBe(100);
  });

  it("a newer change replaces the open request, and a decision on the old one is refused as stale", async () => {
    const { tenant, alice, bob } = await setup(100);
    await setApprovalThresholdAsAdmin(db, tenant.id, null, alice.as);
    const old = (await openThresholdRequest(db, tenant.id))!;
    await setApprovalThresholdAsAdmin(db, tenant.id, 500, alice.as);
    const newer = (await openThresholdRequest(db, tenant.id))!;
    expect(newer.threshold).toBe(500);
    const stale = await decideApprovalThresholdRequest(db, { tenantId: tenant.id, requestId: old.id, decision: "approved", note: null, admin: bob.as });
    expect(stale.status).toBe("stale");
    expect(await thresholdOf(tenant.id)).toBe(100);
    // A stricter change applies and closes the request: nothing is left to approve.
    expect((await setApprovalThresholdAsAdmin(db, tenant.id, 50, alice.as)).status).toBe("changed");
    expect(await openThresholdRequest(db, tenant.id)).toBeUndefined();
    const actions = (await eventsOf(tenant.id)).map((event) => event.action);
    expect(actions.filter((action) => action === "tenant.approval_threshold_request_withdrawn")).toHaveLength(2);
  });

  it("applies at once while no other admin could approve: helpdesk roles and deactivated admins do not count", async () => {
    const tenant = await makeTenant(db, undefined, { approvalThreshold: 100 });
    const alice = await adminOf(tenant.id, "Alice");
    await adminOf(tenant.id, "Hal", "helpdesk");
    const bob = await adminOf(tenant.id, "Bob");
    await deactivateUser(db, {
      tenantId: tenant.id,
      userId: bob.user.id,
      actor: { type: "admin", id: alice.as.adminId, name: "Alice", userId: alice.user.id },
    });
    expect((await setApprovalThresholdAsAdmin(db, tenant.id, null, alice.as)).status).toBe("changed");
    expect(await thresholdOf(tenant.id)).toBeNull();
  });

  it("a request past 72 hours cannot be approved; it is closed as expired", async () => {
    const { tenant, alice, bob } = await setup(100);
    const asked = Date.now();
    await setApprovalThresholdAsAdmin(db, tenant.id, null, alice.as, asked);
    const request = (await openThresholdRequest(db, tenant.id, asked))!;
    const late = asked + LEAVER_APPROVAL_TTL_MS + 1;
    expect(await openThresholdRequest(db, tenant.id, late)).toBeUndefined();
    const decision = { tenantId: tenant.id, requestId: request.id, decision: "approved" as const, note: null, admin: bob.as };
    expect((await decideApprovalThresholdRequest(db, decision, late)).status).toBe("none-open");
    expect(await thresholdOf(tenant.id)).toBe(100);
    expect((await eventsOf(tenant.id)).at(-1)).toEqual({
      action: "tenant.approval_threshold_request_expired",
      actorName: "approval expiry",
      outcome: "expired",
    });
  });

  it("of an approval and a rejection sent at once, exactly one decides", async () => {
    const { tenant, alice, bob } = await setup(100);
    const carol = await adminOf(tenant.id, "Carol");
    await setApprovalThresholdAsAdmin(db, tenant.id, null, alice.as);
    const request = (await openThresholdRequest(db, tenant.id))!;
    const base = { tenantId: tenant.id, requestId: request.id, note: null };
    const results = await Promise.all([
      decideApprovalThresholdRequest(db, { ...base, decision: "approved", admin: bob.as }),
      decideApprovalThresholdRequest(db, { ...base, decision: "rejected", admin: carol.as }),
    ]);
    expect(results.filter((result) => result.status === "decided")).toHaveLength(1);
    expect(results.filter((result) => result.status === "none-open")).toHaveLength(1);
    const decided = (await eventsOf(tenant.id)).filter((event) => /request_(approved|rejected)$/.test(event.action));
    expect(decided).toHaveLength(1);
  });
});
