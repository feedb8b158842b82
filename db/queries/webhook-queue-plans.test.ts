import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { recordAuditEvents } from "./audit";
import { claimDueDeliveries } from "./webhook-deliveries";
import { listWebhookDeliveries } from "./webhook-delivery-log";
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
    // The claim walks the due index in order and stops at 8 (each fetched again by its key to be
    // leased): on the statistics of the empty queue it fetched all 2,000 to sort them.
    expect(fetched).toBeLessThanOrEqual(8 * 2);
  });

  // The console's delivery log, looked at while the endpoint had sent nothing, then after a job.
  it("a page of the delivery log reads its deliveries and their events through indexes after the same", async () => {
    const { tenantId, endpointId } = await queueOfOneEndpoint();
    const page = () => listWebhookDeliveries(db, { tenantId, endpointId, limit: 50 });

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
    // Newest first along the endpoint's index, up to the end of the page's last tie on created_at
    // (the newest batch's 500, and the next one's first): planned on the statistics of the empty
    // queue, the page fetched all 2,000 to sort them.
    expect(fetched).toBeLessThanOrEqual(501);
  });
});
