import { describe, expect, it } from "vitest";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { redeliverWebhookDelivery } from "./webhook-delivery-log";
import { createWebhookEndpoint } from "./webhook-endpoints";
import { attemptsOf, deliveriesOf, outboxOf } from "./webhook-reads";
import { deleteFinishedDeliveries, deleteUnheldEvents } from "./webhook-retention";
import { emitWebhookEvent, settleDueDeliveries } from "./webhook-test-traffic";

// Each test has a database of its own: pruning is global, and the outbox walk's counts are the whole outbox's.
describe("webhook history retention", () => {
  async function tenantWithEndpoint(db: ReturnType<typeof createTestDb>) {
    const tenantId = (await makeTenant(db)).id;
    const { admin } = await makeAdminWithToken(db, tenantId);
    const actor = { type: "admin" as const, id: admin.id, name: "Ada Admin" };
    const endpoint = await createWebhookEndpoint(db, { tenantId, url: "https://hooks.example.test/in", secret: newWebhookSecret(), actor });
    return { tenantId, endpointId: endpoint.id, actor };
  }

  /** Events at 1,000 and 2,000 delivered, 3,000 and 10,000 failed, 11,000 pending, and one at 500 pending, never tried. */
  async function history(db: ReturnType<typeof createTestDb>) {
    const setup = await tenantWithEndpoint(db);
    for (const at of [1_000, 2_000, 3_000, 10_000, 11_000]) await emitWebhookEvent(db, setup.tenantId, at);
    expect(await settleDueDeliveries(db, setup.tenantId, 2_500, "delivered")).toBe(2);
    expect(await settleDueDeliveries(db, setup.tenantId, 10_500, "failed")).toBe(2);
    await emitWebhookEvent(db, setup.tenantId, 500);
    const deliveries = await deliveriesOf(db, setup.tenantId);
    expect(deliveries.map((d) => d.status)).toEqual(["delivered", "delivered", "failed", "failed", "pending", "pending"]);
    return { ...setup, deliveries };
  }

  describe("finished deliveries", () => {
    const db = createTestDb();

    it("go with their attempts once last due before the cutoff, a batch at a time; pending ones stay however old", async () => {
      const { tenantId, deliveries } = await history(db);
      const [first, second, third] = deliveries;
      expect(await attemptsOf(db, first!.id)).toHaveLength(1);

      expect(await deleteFinishedDeliveries(db, 5_000, 2)).toBe(2);
      expect(await deleteFinishedDeliveries(db, 5_000, 2)).toBe(1);
      expect(await deleteFinishedDeliveries(db, 5_000, 2)).toBe(0);

      const left = await deliveriesOf(db, tenantId);
      // The failed one of 10,000 is within the retention; the pending ones of 11,000 and of 500 are not over.
      expect(left.map((d) => [d.status, d.nextAttemptAt])).toEqual([
        ["failed", 10_000],
        ["pending", 11_000],
        ["pending", 500],
      ]);
      for (const gone of [first, second, third]) expect(await attemptsOf(db, gone!.id)).toEqual([]);
      const attemptRows = await prepared<{ n: number }>(db, "select count(*) as n from webhook_attempts").get();
      expect(Number(attemptRows!.n)).toBe(1);
    });
  });

  describe("redelivered", () => {
    const db = createTestDb();

    it("a failed delivery sent again is pending and kept, however long ago it was last due", async () => {
      const { tenantId, endpointId, actor, deliveries } = await history(db);
      const failed = deliveries[2]!;
      await redeliverWebhookDelivery(db, { tenantId, endpointId, actor, deliveryId: failed.id }, 20_000);
      expect(await deleteFinishedDeliveries(db, 15_000, 100)).toBe(3);
      expect((await deliveriesOf(db, tenantId)).map((d) => [d.id, d.status])).toEqual([
        [failed.id, "pending"],
        [deliveries[4]!.id, "pending"],
        [deliveries[5]!.id, "pending"],
      ]);
    });
  });

  describe("several instances", () => {
    const db = createTestDb();

    it("pruning at once delete each row once, without waiting on one another", async () => {
      const { tenantId } = await tenantWithEndpoint(db);
      for (let at = 1_000; at <= 40_000; at += 1_000) await emitWebhookEvent(db, tenantId, at);
      expect(await settleDueDeliveries(db, tenantId, 40_000, "delivered")).toBe(40);
      const prune = async () => {
        let deleted = 0;
        for (let batch; (batch = await deleteFinishedDeliveries(db, 100_000, 3)) > 0;) deleted += batch;
        return deleted;
      };
      const counts = await Promise.all([prune(), prune(), prune()]);
      expect(counts.reduce((a, b) => a + b)).toBe(40);
      expect(await deliveriesOf(db, tenantId)).toEqual([]);
      const walks = await Promise.all([0, 1, 2].map(() => deleteUnheldEvents(db, 100_000, null, 100)));
      expect(walks.reduce((sum, walk) => sum + walk.deleted, 0)).toBe(39);
      expect(await outboxOf(db, tenantId)).toHaveLength(1);
    });
  });

  describe("the outbox", () => {
    const db = createTestDb();

    it("walks in order and deletes events created before the cutoff that no delivery holds, stopping at newer ones", async () => {
      const { tenantId } = await history(db);
      const events = await outboxOf(db, tenantId);
      expect(events.map((e) => e.createdAt)).toEqual([1_000, 2_000, 3_000, 10_000, 11_000, 500]);
      expect(await deleteFinishedDeliveries(db, 5_000, 100)).toBe(3);

      expect(await deleteUnheldEvents(db, 5_000, null, 2)).toEqual({ deleted: 2, after: events[1]!.sequence });
      // 10,000 is newer than the cutoff: the walk ends with this batch.
      expect(await deleteUnheldEvents(db, 5_000, events[1]!.sequence, 2)).toEqual({ deleted: 1, after: null });
      expect((await outboxOf(db, tenantId)).map((e) => e.createdAt)).toEqual([10_000, 11_000, 500]);

      // Nothing holds any of them any more and all are old: every one goes but the newest.
      await prepared(db, "delete from webhook_deliveries").run();
      expect(await deleteUnheldEvents(db, 1_000_000, null, 100)).toEqual({ deleted: 2, after: null });
      expect((await outboxOf(db, tenantId)).map((e) => e.createdAt)).toEqual([500]);
      // The next event takes a sequence no event had before.
      await emitWebhookEvent(db, tenantId, 600);
      const [kept, next] = await outboxOf(db, tenantId);
      expect(next!.sequence).toBeGreaterThan(kept!.sequence);
      expect(kept!.sequence).toBe(events[5]!.sequence);
    });
  });
});
