import { describe, expect, it } from "vitest";
import { previewLeaverFile } from "@/lib/leavers/preview";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { inTransaction } from "../prepared";
import { recordAuditEvent } from "./audit";
import { processLeaverJobBatch } from "./leaver-batch";
import { confirmLeaverPreview } from "./leaver-job-lifecycle";
import type { LeaverActor } from "./leaver-jobs";
import { lockUsersInOrder } from "./user-status";

// Lock order on PostgreSQL: a batch takes its users before the tenant's audit chain head, as a
// single-user change does (user, then head). Taken the other way round, the two deadlock.

const DAY = 24 * 60 * 60 * 1000;

/** A transaction that holds `userId` (as a single deactivation does first), then appends an audit event once `go` resolves. */
function singleChangeHolding(db: ReturnType<typeof createTestDb>, tenantId: string, userId: string, go: Promise<void>) {
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = inTransaction(db, "immediate", async () => {
    await lockUsersInOrder(db, [userId]);
    held();
    await go;
    await recordAuditEvent(db, {
      tenantId,
      actorType: "system",
      actorName: "test",
      action: "user.update",
      targetType: "user",
      targetId: userId,
      outcome: "updated",
    });
  });
  return { holding, done };
}

describe.skipIf(TEST_DIALECT !== "postgres")("lock order of batches against single-user changes (PostgreSQL)", () => {
  const db = createTestDb();

  async function race(tenantId: string, heldUserId: string, batch: () => Promise<unknown>) {
    let go!: () => void;
    const single = singleChangeHolding(db, tenantId, heldUserId, new Promise<void>((resolve) => (go = resolve)));
    await single.holding;
    const running = batch();
    // The batch is now waiting for the held user (or, before the fix, holding the chain head too).
    await new Promise((resolve) => setTimeout(resolve, 300));
    go();
    return Promise.allSettled([running, single.done]);
  }

  it("a leaver batch that schedules one row and deactivates another does not deadlock with a deactivation of that user", async () => {
    const tenant = await makeTenant(db);
    const { admin, user } = await makeAdminWithToken(db, tenant.id);
    const actor: LeaverActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
    const later = await makeUser(db, tenant.id, { email: "later@example.test" });
    const now = await makeUser(db, tenant.id, { email: "now@example.test" });
    const csv = `email,effective_at\n${later.email},${new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10)}\n${now.email},\n`;
    const { preview } = await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: "f.csv", bytes: new TextEncoder().encode(csv) });
    const confirmed = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null });
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    const [batch, single] = await race(tenant.id, now.id, () => processLeaverJobBatch(db, confirmed.job.id, 10));
    expect(single).toMatchObject({ status: "fulfilled" });
    expect(batch).toMatchObject({ status: "fulfilled", value: { done: true, counts: { scheduled: 1, deactivated: 1 } } });
  });
});
