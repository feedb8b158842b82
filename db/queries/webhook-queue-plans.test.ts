import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { WEBHOOK_DELIVERY_STATUSES } from "@/db/schema/webhook-constants";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { sqlitePlan } from "@/test/search";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { recordAuditEvents } from "./audit";
import { claimDueDeliveries } from "./webhook-deliveries";
import { deliveryLogPageQuery, listWebhookDeliveries } from "./webhook-delivery-log";
import { createWebhookEndpoint } from "./webhook-endpoints";

// The dispatcher claims deliveries every round, from an empty queue as much as from a full one. A
// named statement's generic plan made while the tables were empty after a vacuum (a new install,
// or the retention's prune) stayed when a leaver job filled them: each claim then read every
// pending delivery for each one it looked at (49 s a claim over 100,000, bench:webhooks). Planned
// on each execution, it still sorted every pending delivery while the statistics were the empty
// queue's (105 ms a claim during a 100,000-row job).
describe.runIf(TEST_DIALECT === "postgres")("the webhook queue's plans (PostgreSQL)", () => {
  const db = createTestDb();

  /** An endpoint of a new tenant, and the queue's tables empty and vacuumed. */
  async function queueOfOneEndpoint() {
    const tenantId = (await makeTenant(db)).id;
    const { admin } = await makeAdminWithToken(db, tenantId);
    const endpoint = await createWebhookEndpoint(db, {
      tenantId,
      url: "https://hooks.example.test/in",
      secret: newWebhookSecret(),
      actor: { type: "admin", id: admin.id, name: "Ada" },
    });
    // As a new installation, or the retention's prune, leaves them (this file's database is its own).
    await db.exec("delete from webhook_attempts; delete from webhook_deliveries; delete from webhook_events");
    await db.exec("vacuum (analyze) webhook_attempts, webhook_deliveries, webhook_events, webhook_endpoints");
    return { tenantId, endpointId: endpoint.id };
  }

  /** 2,000 deliveries to the tenant's endpoint, written as a leaver job's batches write them (each batch's at one time). */
  async function fill(tenantId: string) {
    const start = Date.now() - 4;
    for (let batch = 0; batch < 4; batch++) {
      await recordAuditEvents(
        db,
        Array.from({ length: 500 }, () => ({
          createdAt: start + batch,
          tenantId,
          actorType: "system" as const,
          actorName: "test",
          action: "user.deactivate",
          targetType: "user",
          targetId: randomUUID(),
          outcome: "deactivated",
          details: { email: "someone@example.test" },
        })),
      );
    }
  }

  const sequentialReads = () =>
    prepared<{ relname: string; seqTupRead: number }>(
      db,
      `select relname, seq_tup_read as "seqTupRead" from pg_stat_xact_user_tables where relname in ('webhook_deliveries', 'webhook_events') order by relname`,
    ).all();

  /** Deliveries fetched through an index so far in this transaction. */
  const deliveriesFetchedByIndex = async () =>
    (await prepared<{ fetched: number }>(db, `select idx_tup_fetch::int as fetched from pg_stat_xact_user_tables where relname = 'webhook_deliveries'`).get())!
      .fetched;

  it("a claim reads the deliveries through their indexes after the queue went from empty and vacuumed to full", async () => {
    const { tenantId } = await queueOfOneEndpoint();
    const claim = () => claimDueDeliveries(db, { holder: "plans", now: Date.now(), leaseMs: 60_000, limit: 8 });

    // One transaction: one connection, whose statements these all are.
    const { read, fetched } = await db.transaction(async () => {
      for (let i = 0; i < 10; i++) expect(await claim()).toEqual([]);
      await fill(tenantId);
      const before = await deliveriesFetchedByIndex();
      expect(await claim()).toHaveLength(8);
      return { read: await sequentialReads(), fetched: (await deliveriesFetchedByIndex()) - before };
    });
    // Sequential scans of the queue in this transaction: none by the claim (the inserts read none).
    expect(read.find((table) => table.relname === "webhook_deliveries")?.seqTupRead).toBe(0);
    // The claim walks the due index in order and stops at 8, each fetched again by its key to be
    // leased, and each found once more as its user's first pending delivery (by the order index:
    // heap fetches while the visibility map is unset). On the statistics of the empty queue it
    // fetched all 2,000 to sort them; with the order check as "no earlier one", it took the log's
    // index for that check and read every pending delivery for each (16,016).
    expect(fetched).toBeLessThanOrEqual(8 * 3);
  });

  // The console's delivery log, looked at while the endpoint had sent nothing, then after a job:
  // the whole log, and the deliveries of one status (all 2,000 are pending).
  it.each([undefined, "pending" as const])(
    "a page of the delivery log (status %s) reads its deliveries and their events through indexes after the same",
    async (status) => {
      const { tenantId, endpointId } = await queueOfOneEndpoint();
      const page = () => listWebhookDeliveries(db, { tenantId, endpointId, status, limit: 50 });

      const { read, fetched } = await db.transaction(async () => {
        for (let i = 0; i < 10; i++) expect((await page())!.deliveries).toEqual([]);
        await fill(tenantId);
        const [readBefore, fetchedBefore] = [await sequentialReads(), await deliveriesFetchedByIndex()];
        expect((await page())!.deliveries).toHaveLength(50);
        const readAfter = await sequentialReads();
        return {
          read: readAfter.map(({ relname, seqTupRead }, i) => ({ relname, seqTupRead: seqTupRead - readBefore[i]!.seqTupRead })),
          fetched: (await deliveriesFetchedByIndex()) - fetchedBefore,
        };
      });
      // Rows read sequentially by the page: none. The generic plan made on the empty tables read every
      // event for each delivery (2,003,000 rows).
      expect(read).toEqual([
        { relname: "webhook_deliveries", seqTupRead: 0 },
        { relname: "webhook_events", seqTupRead: 0 },
      ]);
      // Newest first along each status's range of the endpoint's index, stopping at the page (and the
      // one more that says another follows). Before the status and id were in the key, the whole log
      // fetched to the end of the newest batch's tie on created_at (501), and a page of one status,
      // planned on the statistics of the empty queue, fetched all 2,000 to sort them.
      expect(fetched).toBeLessThanOrEqual(51);
    },
  );
});

// SQLite has no statistics to go wrong, but left to choose, a page of a rare status walked the
// endpoint's whole log for its few (18 ms at 50,000 deliveries): each page is now a range of the
// index with the status in its key, the whole log one per status.
describe.runIf(TEST_DIALECT === "sqlite")("the delivery log's plans (SQLite)", () => {
  const db = createTestDb();
  const range = "SEARCH webhook_deliveries USING INDEX webhook_deliveries_endpoint_status_created_idx (endpoint_id=? AND status=? AND created_at<?)";

  it.each([undefined, "failed" as const])("reads a page (status %s) as index ranges, its events by key", (status) => {
    const plan = sqlitePlan(db, deliveryLogPageQuery({ tenantId: "t", endpointId: "e", status, limit: 50, after: { createdAt: 5, id: 7 } }));
    const deliveries = plan.split(" | ").filter((step) => step.includes("webhook_deliveries"));
    expect(deliveries).toEqual(Array.from({ length: status ? 1 : WEBHOOK_DELIVERY_STATUSES.length }, () => range));
    expect(plan).not.toMatch(/SCAN webhook_deliveries|SCAN e\b/);
  });
});
