import { describe, expect, it } from "vitest";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { getLeaverJob, type LeaverActor } from "@/db/queries/leaver-jobs";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { previewLeaverFile } from "./preview";
import { startLeaverWorker } from "./worker";
import { metrics } from "@/lib/observability/metrics";

const db = createTestDb();

async function until(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("startLeaverWorker", () => {
  it("picks up queued jobs one at a time, oldest first, and runs them to completion", async () => {
    const tenant = makeTenant(db);
    const { admin, user } = makeAdminWithToken(db, tenant.id);
    const actor: LeaverActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
    const queue = (emails: string[]) => {
      const { preview } = previewLeaverFile(db, {
        tenantId: tenant.id,
        actor,
        fileName: null,
        bytes: new TextEncoder().encode(`email\n${emails.join("\n")}\n`),
      });
      const result = confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null });
      if (result.status !== "created") throw new Error(result.status);
      return result.job.id;
    };
    const users = Array.from({ length: 12 }, (_, i) => makeUser(db, tenant.id, { email: `w${i}@example.test` }));
    const first = queue(users.slice(0, 7).map((u) => u.email));
    const second = queue(users.slice(5).map((u) => u.email));
    const order: string[] = [];
    const worker = startLeaverWorker(db, { pollMs: 20, batchSize: 3, log: () => undefined });
    try {
      await until(() => {
        for (const id of [first, second]) if (getLeaverJob(db, tenant.id, id)?.status === "completed" && !order.includes(id)) order.push(id);
        return order.length === 2;
      });
    } finally {
      await worker.stop();
    }
    expect(order).toEqual([first, second]);
    expect(getLeaverJob(db, tenant.id, first)?.counts).toEqual({ deactivated: 7 });
    expect(getLeaverJob(db, tenant.id, second)?.counts).toEqual({ deactivated: 5, already_inactive: 2 });
    // The process's metrics counted every row it processed.
    const rows = await metrics().jobRows.get();
    const count = (outcome: string) => rows.values.find((v) => v.labels.outcome === outcome && v.labels.kind === "deactivate")?.value;
    expect([count("deactivated"), count("already_inactive")]).toEqual([12, 2]);
  });
});
