import { afterAll, describe, expect, it } from "vitest";
import { deactivateUser } from "@/db/queries/user-status";
import { deliveriesOf, outboxOf } from "@/db/queries/webhook-reads";
import { emitWebhookEvent, settleDueDeliveries } from "@/db/queries/webhook-test-traffic";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { holdsWithin, until } from "@/test/until";
import { startWebhookDispatcher } from "./dispatcher";
import { createCheckedWebhookEndpoint } from "./endpoints";
import { createHistoryPruner } from "./retention";
import { startTestReceiver } from "./test-receiver";

async function tenantWithEndpoint(db: ReturnType<typeof createTestDb>, url = "https://hooks.example.test/in", now = Date.now()) {
  const tenantId = (await makeTenant(db)).id;
  const { admin, user } = await makeAdminWithToken(db, tenantId);
  const actor = { type: "admin" as const, id: admin.id, name: "Ada Admin", userId: user.id };
  const created = await createCheckedWebhookEndpoint(db, { tenantId, url, actor }, { allowPrivateAddresses: true, now });
  if (!("endpoint" in created)) throw new Error(created.refused);
  return { tenantId, actor, endpoint: created.endpoint };
}

describe("the webhook history pruner", () => {
  const db = createTestDb();

  it("prunes a batch per step until the pass is done, then waits its interval", async () => {
    const { tenantId } = await tenantWithEndpoint(db);
    for (let at = 1_000; at <= 5_000; at += 1_000) await emitWebhookEvent(db, tenantId, at);
    await settleDueDeliveries(db, tenantId, 5_000, "delivered");
    const pruner = createHistoryPruner(db, 10_000, { everyMs: 60_000, batch: 2 });

    // At 13,500 the cutoff is 3,500: deliveries of 1,000 to 3,000 in two batches, then their events in two.
    const steps: boolean[] = [];
    for (let more = true; more;) steps.push((more = await pruner.step(13_500)));
    expect(steps).toEqual([true, true, true, false]);
    expect((await deliveriesOf(db, tenantId)).map((d) => d.nextAttemptAt)).toEqual([4_000, 5_000]);
    expect((await outboxOf(db, tenantId)).map((e) => e.createdAt)).toEqual([4_000, 5_000]);

    // Within the interval nothing runs, however much is over by then.
    expect(await pruner.step(73_499)).toBe(false);
    expect(await deliveriesOf(db, tenantId)).toHaveLength(2);
    while (await pruner.step(73_500));
    expect(await deliveriesOf(db, tenantId)).toEqual([]);
    // The newest event stays (a sequence is never handed out twice), though nothing holds it.
    expect((await outboxOf(db, tenantId)).map((e) => e.createdAt)).toEqual([5_000]);
  });
});

describe("the dispatcher's retention", () => {
  const db = createTestDb();
  const receiverStarted = startTestReceiver();
  afterAll(async () => (await receiverStarted).stop());

  it("prunes what it delivered once the retention is over, and not before", async () => {
    const receiver = await receiverStarted;
    let clock = Date.now();
    const { tenantId, actor, endpoint } = await tenantWithEndpoint(db, receiver.url, clock);
    receiver.secret = endpoint.secret;
    for (let i = 0; i < 3; i++) await deactivateUser(db, { tenantId, userId: (await makeUser(db, tenantId)).id, actor }, clock);
    const dispatcher = startWebhookDispatcher(db, {
      allowPrivateAddresses: true,
      pollMs: 10,
      now: () => clock,
      log: () => undefined,
      retentionMs: 60_000,
      pruneEveryMs: 1_000,
    });
    try {
      await until(async () => (await deliveriesOf(db, tenantId)).filter((d) => d.status === "delivered").length === 3);
      expect(receiver.delivered()).toHaveLength(3);
      clock += 59_000;
      expect(await holdsWithin(async () => (await deliveriesOf(db, tenantId)).length < 3, 300)).toBe(false);
      clock += 2_000;
      await until(async () => (await deliveriesOf(db, tenantId)).length === 0);
      await until(async () => (await outboxOf(db, tenantId)).length === 1);
    } finally {
      await dispatcher.stop();
    }
  });
});
