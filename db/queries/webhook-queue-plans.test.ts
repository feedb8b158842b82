import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { prepared } from "../prepared";
import { recordAuditEvents } from "./audit";
import { claimDueDeliveries } from "./webhook-deliveries";
import { createWebhookEndpoint } from "./webhook-endpoints";

// The dispatcher claims deliveries every round, from an empty queue as much as from a full one. A
// named statement's generic plan made while the tables were empty after a vacuum (a new install,
// or the retention's prune) stayed when a leaver job filled them: each claim then read every
// pending delivery for each one it looked at (49 s a claim over 100,000, bench:webhooks).
describe.runIf(TEST_DIALECT === "postgres")("the webhook queue's plans (PostgreSQL)", () => {
  const db = createTestDb();

  it("a claim reads the deliveries through their indexes after the queue went from empty and vacuumed to full", async () => {
    const tenantId = (await makeTenant(db)).id;
    const { admin } = await makeAdminWithToken(db, tenantId);
    await createWebhookEndpoint(db, {
      tenantId,
      url: "https://hooks.example.test/in",
      secret: newWebhookSecret(),
      actor: { type: "admin", id: admin.id, name: "Ada" },
    });
    await db.exec("vacuum (analyze) webhook_deliveries, webhook_events, webhook_endpoints");
    const claim = () => claimDueDeliveries(db, { holder: "plans", now: Date.now(), leaseMs: 60_000, limit: 8 });

    // One transaction: one connection, whose statements these all are.
    const read = await db.transaction(async () => {
      for (let i = 0; i < 10; i++) expect(await claim()).toEqual([]);
      for (let batch = 0; batch < 4; batch++) {
        await recordAuditEvents(
          db,
          Array.from({ length: 500 }, () => ({
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
      expect(await claim()).toHaveLength(8);
      return prepared<{ seqTupRead: number }>(
        db,
        `select seq_tup_read as "seqTupRead" from pg_stat_xact_user_tables where relname = 'webhook_deliveries'`,
      ).get();
    });
    // Sequential scans of the queue in this transaction: none by the claim (the inserts read none).
    expect(read?.seqTupRead).toBe(0);
  });
});
