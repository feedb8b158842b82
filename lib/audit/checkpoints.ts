import type { Db } from "@/db/client";
import { chainsAwaitingCheckpoint, insertCheckpoint } from "@/db/queries/audit-checkpoints";
import { logger } from "@/lib/observability/log";
import { signCheckpoint, type CheckpointKey } from "./signing";

/** Signs a checkpoint at the head of every chain (or the tenant's) that moved since its last one; returns how many it wrote. */
export async function writeCheckpoints(db: Db, key: CheckpointKey, options: { tenantId?: string; now?: number } = {}): Promise<number> {
  let written = 0;
  for (const head of await chainsAwaitingCheckpoint(db, options.tenantId)) {
    const signature = signCheckpoint(key, head);
    if (await insertCheckpoint(db, { ...head, keyId: key.keyId, signature, createdAt: options.now ?? Date.now() })) written += 1;
  }
  return written;
}

export type Checkpointer = { stop(): Promise<void> };

/**
 * Signs checkpoints every `intervalMs` in the server process. Several instances may each sign:
 * a position is stored once (the others' inserts do nothing), and any of their signatures verifies.
 */
export function startCheckpointer(db: Db, key: CheckpointKey, intervalMs: number): Checkpointer {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = writeCheckpoints(db, key).catch((error: unknown) => logger().error({ err: error }, "audit checkpoint failed"));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
