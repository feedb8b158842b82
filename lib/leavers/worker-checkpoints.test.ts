import { describe, expect, it, vi } from "vitest";
import { confirmLeaverPreview } from "@/db/queries/leaver-job-lifecycle";
import { getLeaverJob, type LeaverActor } from "@/db/queries/leaver-jobs";
import { createTestDb } from "@/test/db";
import { makeAdminWithToken, makeTenant, makeUser } from "@/test/factories";
import { until } from "@/test/until";
import { previewLeaverFile } from "./preview";
import { startLeaverWorker } from "./worker";

// The thread itself is db/wal-checkpointer.test.ts's; here, when the worker holds one.
const threads = vi.hoisted(() => ({ events: [] as string[], cannotStart: false }));
vi.mock("@/db/wal-checkpointer", () => ({
  startWalCheckpointer: () => {
    threads.events.push("start");
    return threads.cannotStart ? null : { stop: async () => void threads.events.push("stop") };
  },
}));

describe("the leaver worker's WAL checkpointer", () => {
  const db = createTestDb();

  async function queuedJob() {
    const tenant = await makeTenant(db);
    const { admin, user } = await makeAdminWithToken(db, tenant.id);
    const actor: LeaverActor = { type: "admin", id: admin.id, name: "Ada", userId: user.id };
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => makeUser(db, tenant.id, { email: `cp${i}@example.test` })));
    const bytes = new TextEncoder().encode(`email\n${users.map((u) => u.email).join("\n")}\n`);
    const { preview } = await previewLeaverFile(db, { tenantId: tenant.id, actor, fileName: null, bytes });
    const confirmed = await confirmLeaverPreview(db, { tenantId: tenant.id, previewId: preview.id, actor, requestId: null });
    if (confirmed.status !== "created") throw new Error(confirmed.status);
    return { tenantId: tenant.id, jobId: confirmed.job.id };
  }

  it("runs from a job's first batch until the worker finds no job, once per run of jobs", async () => {
    threads.events = [];
    const { tenantId, jobId } = await queuedJob();
    const worker = startLeaverWorker(db, { pollMs: 20, batchSize: 2, log: () => undefined });
    try {
      await until(async () => (await getLeaverJob(db, tenantId, jobId))?.status === "completed");
      // Three batches, one thread; stopped on the first round that finds nothing to run.
      await until(() => threads.events.includes("stop"));
      expect(threads.events).toEqual(["start", "stop"]);
    } finally {
      await worker.stop();
    }
    expect(threads.events).toEqual(["start", "stop"]);
  });

  it("runs the job all the same when the thread cannot start, and tries once per run of jobs", async () => {
    threads.events = [];
    threads.cannotStart = true;
    const { tenantId, jobId } = await queuedJob();
    const worker = startLeaverWorker(db, { pollMs: 20, batchSize: 2, log: () => undefined });
    try {
      await until(async () => (await getLeaverJob(db, tenantId, jobId))?.status === "completed");
    } finally {
      await worker.stop();
      threads.cannotStart = false;
    }
    expect(threads.events).toEqual(["start"]);
  });
});
