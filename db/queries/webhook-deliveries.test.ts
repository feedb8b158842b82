import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { prepared } from "../prepared";
import { deactivateUser, reactivateUser, type StatusActor } from "./user-status";
import { claimDueDeliveries, disableFailingEndpoint, ENDPOINT_DISABLED_REASON, recordAttempts, releaseLeases, type AttemptRecord } from "./webhook-deliveries";
import { deleteWebhookEndpoint } from "./webhook-admin";
import { createWebhookEndpoint, getWebhookEndpoint } from "./webhook-endpoints";
import { attemptsOf, deliveriesOf } from "./webhook-reads";
import { relayAuditEvents } from "./webhook-relay";

describe("webhook deliveries (claims, leases, attempts)", () => {
  const db = createTestDb();
  const LEASE = { leaseMs: 30_000, limit: 100 };

  /** A tenant with one endpoint, and users each deactivated then reactivated at `at`: two events per user. */
  async function tenantWithEvents(userCount: number, at = 1_000) {
    const tenant = await makeTenant(db);
    const { admin, user: adminUser } = await makeAdminWithToken(db, tenant.id);
    const actor: StatusActor = { type: "admin", id: admin.id, name: "Ada", userId: adminUser.id };
    const endpoint = await createWebhookEndpoint(db, { tenantId: tenant.id, url: "https://hooks.example.test/", secret: "whsec_dGVzdA==", actor });
    const users = [];
    for (let i = 0; i < userCount; i++) {
      const user = await makeUser(db, tenant.id);
      await deactivateUser(db, { tenantId: tenant.id, userId: user.id, actor }, at);
      await reactivateUser(db, { tenantId: tenant.id, userId: user.id, actor }, at);
      users.push(user);
    }
    await relayAuditEvents(db);
    return { tenantId: tenant.id, endpoint, users, actor };
  }

  const claimMine = async (holder: string, now: number, tenantId: string) =>
    (await claimDueDeliveries(db, { ...LEASE, holder, now })).filter((d) => d.url === "https://hooks.example.test/" && d.payload.includes(tenantId));

  const record = (d: { id: number; endpointId: string; attempts: number }, outcome: AttemptRecord["outcome"], at: number): AttemptRecord => ({
    deliveryId: d.id,
    endpointId: d.endpointId,
    attempt: d.attempts + 1,
    attemptedAt: at,
    statusCode: outcome === "delivered" ? 204 : 500,
    error: outcome === "delivered" ? null : "HTTP 500",
    latencyMs: 3,
    outcome,
    nextAttemptAt: outcome === "retry" ? at + 5_000 : null,
  });

  it("leases each user's first pending event only, and the next once the first is delivered", async () => {
    const { tenantId, users } = await tenantWithEvents(3);
    const first = await claimMine("a", 2_000, tenantId);
    expect(first.map((d) => JSON.parse(d.payload).type)).toEqual(["user.deactivated", "user.deactivated", "user.deactivated"]);
    expect(new Set(first.map((d) => JSON.parse(d.payload).data.id))).toEqual(new Set(users.map((u) => u.id)));
    expect(first.every((d) => d.secret === "whsec_dGVzdA==" && d.attempts === 0 && /^msg_/.test(d.eventId))).toBe(true);
    // Leased: nobody else gets them, nor the events behind them.
    expect(await claimMine("b", 2_000, tenantId)).toEqual([]);

    await recordAttempts(db, "a", [record(first[0]!, "delivered", 2_100), record(first[1]!, "retry", 2_100)], 2_100, 0);
    const next = await claimMine("b", 2_200, tenantId);
    // The delivered user's second event; the retried one waits for its time, and its user's second event behind it.
    expect(next.map((d) => [JSON.parse(d.payload).type, JSON.parse(d.payload).data.id])).toEqual([["user.reactivated", JSON.parse(first[0]!.payload).data.id]]);
    const retried = await claimMine("b", 7_200, tenantId);
    expect(retried.map((d) => d.id)).toEqual([first[1]!.id]);
    expect(retried[0]!.attempts).toBe(1);
  });

  it("claims a dead holder's deliveries again once their lease is over, and releases leases on request", async () => {
    const { tenantId } = await tenantWithEvents(2);
    const claimed = await claimMine("dead", 2_000, tenantId);
    expect(claimed).toHaveLength(2);
    expect(await claimMine("alive", 2_000 + LEASE.leaseMs - 1, tenantId)).toEqual([]);
    expect((await claimMine("alive", 2_000 + LEASE.leaseMs, tenantId)).map((d) => d.id).sort()).toEqual(claimed.map((d) => d.id).sort());
    // The dead holder's late record does not move a delivery that is no longer its own.
    await recordAttempts(db, "dead", [record(claimed[0]!, "delivered", 40_000)], 40_000, 0);
    expect((await deliveriesOf(db, tenantId)).find((d) => d.id === claimed[0]!.id)).toMatchObject({ status: "pending", leasedBy: "alive" });
    await releaseLeases(db, "alive", [claimed[0]!.id]);
    expect((await deliveriesOf(db, tenantId)).find((d) => d.id === claimed[0]!.id)).toMatchObject({ leasedBy: null, leaseUntil: null });
  });

  it("never leases one delivery to two claimers at once", async () => {
    const { tenantId } = await tenantWithEvents(20);
    const claims = await Promise.all(["a", "b", "c", "d"].map((holder) => claimMine(holder, 2_000, tenantId)));
    const ids = claims.flat().map((d) => d.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it("records attempts, retries, give-ups and each endpoint's failure clock", async () => {
    const { tenantId, endpoint } = await tenantWithEvents(2);
    const [a, b] = await claimMine("h", 2_000, tenantId);
    await recordAttempts(db, "h", [record(a!, "retry", 2_000), record(b!, "failed", 2_010)], 2_010, 0);
    expect((await getWebhookEndpoint(db, tenantId, endpoint.id))?.failingSince).toBe(2_000);
    const rows = await deliveriesOf(db, tenantId);
    expect(rows.find((d) => d.id === a!.id)).toMatchObject({
      status: "pending",
      attempts: 1,
      nextAttemptAt: 7_000,
      lastStatusCode: 500,
      lastError: "HTTP 500",
    });
    expect(rows.find((d) => d.id === b!.id)).toMatchObject({ status: "failed", attempts: 1, leasedBy: null });
    expect(await attemptsOf(db, a!.id)).toEqual([{ attempt: 1, attemptedAt: 2_000, statusCode: 500, error: "HTTP 500", latencyMs: 3 }]);

    // Due again, beside the second event of the user whose first gave up.
    const due = await claimMine("h", 7_000, tenantId);
    expect(due).toHaveLength(2);
    const again = due.find((d) => d.id === a!.id);
    await recordAttempts(db, "h", [record(again!, "delivered", 7_100)], 7_100, 0);
    expect((await getWebhookEndpoint(db, tenantId, endpoint.id))?.failingSince).toBeNull();
    expect((await deliveriesOf(db, tenantId)).find((d) => d.id === a!.id)).toMatchObject({ status: "delivered", attempts: 2, deliveredAt: 7_100 });
    expect((await attemptsOf(db, a!.id)).map((x) => x.statusCode)).toEqual([500, 204]);
  });

  it("disables an endpoint failing since the limit, gives up its pending deliveries and audits it as the system", async () => {
    const { tenantId, endpoint } = await tenantWithEvents(2);
    const [a] = await claimMine("h", 2_000, tenantId);
    const disabled = await recordAttempts(db, "h", [record(a!, "retry", 2_000)], 2_000, 1_999);
    expect(disabled).toEqual([]);
    expect(await disableFailingEndpoint(db, endpoint.id, 1_999, 3_000)).toBe(false);
    const [retry] = await claimMine("h", 9_000, tenantId);
    expect(await recordAttempts(db, "h", [record(retry!, "retry", 9_000)], 9_000, 2_000)).toEqual([endpoint.id]);

    expect(await getWebhookEndpoint(db, tenantId, endpoint.id)).toMatchObject({ enabled: false, disabledAt: 9_000, disabledReason: ENDPOINT_DISABLED_REASON });
    expect((await deliveriesOf(db, tenantId)).map((d) => d.status)).toEqual(["failed", "failed", "failed", "failed"]);
    const events = await prepared<{ actorType: string; details: string }>(
      db,
      `select actor_type as "actorType", details from audit_events where tenant_id = ? and action = 'webhook.disabled'`,
    ).all(tenantId);
    expect(events).toHaveLength(1);
    expect(events[0]!.actorType).toBe("system");
    expect(JSON.parse(events[0]!.details)).toMatchObject({ reason: ENDPOINT_DISABLED_REASON, pendingFailed: 4 });
    // Disabled: its tenant's changes no longer queue deliveries for it, and nothing is claimed.
    expect(await claimMine("h", 99_000, tenantId)).toEqual([]);
  });

  it("records the attempts of a batch whose endpoint was deleted while it was being sent: the deleted ones are dropped, the rest kept", async () => {
    const kept = await tenantWithEvents(1);
    const deleted = await tenantWithEvents(1);
    const claimed = await claimDueDeliveries(db, { ...LEASE, holder: "c", now: 2_000 });
    const of = (tenantId: string) => claimed.find((d) => d.payload.includes(tenantId));
    const [keptDelivery, goneDelivery] = [of(kept.tenantId), of(deleted.tenantId)];
    await deleteWebhookEndpoint(db, { tenantId: deleted.tenantId, id: deleted.endpoint.id, actor: deleted.actor });
    await expect(recordAttempts(db, "c", [record(goneDelivery!, "delivered", 2_100), record(keptDelivery!, "delivered", 2_100)], 2_100, 0)).resolves.toEqual(
      [],
    );
    expect((await attemptsOf(db, keptDelivery!.id)).map((a) => a.statusCode)).toEqual([204]);
    expect(await attemptsOf(db, goneDelivery!.id)).toEqual([]);
  });
});
