import type { Db } from "@/db/client";
import { deleteFinishedDeliveries, deleteUnheldEvents } from "@/db/queries/webhook-retention";
import { logger } from "@/lib/observability/log";

/** How often the history is pruned; the first prune is at the dispatcher's start. */
export const PRUNE_EVERY_MS = 60 * 60_000;
/** Rows per statement: each is a short transaction of its own, taking turns with the deliveries. */
export const PRUNE_BATCH = 1_000;

/** One step of pruning per dispatcher round; true while there is more to do now (call again soon). */
export type HistoryPruner = { step(now: number): Promise<boolean> };

type Pass = { before: number; phase: "deliveries" | "events"; after: number | null; deliveries: number; events: number };

/**
 * Prunes the webhook history (docs/decisions/0018) once every `everyMs`: deliveries that ended
 * more than `retentionMs` ago, with their attempts, then the outbox's events that no delivery holds
 * any more. A pass goes a batch per step, so a backlog of millions (the first pass after an
 * upgrade) never holds SQLite's write lock for long; several instances pruning at once only
 * delete the same rows once.
 */
export function createHistoryPruner(db: Db, retentionMs: number, options: { everyMs?: number; batch?: number } = {}): HistoryPruner {
  const everyMs = options.everyMs ?? PRUNE_EVERY_MS;
  const batch = options.batch ?? PRUNE_BATCH;
  let nextPassAt = Number.NEGATIVE_INFINITY;
  let pass: Pass | null = null;

  return {
    async step(now) {
      if (!pass) {
        if (now < nextPassAt) return false;
        pass = { before: now - retentionMs, phase: "deliveries", after: null, deliveries: 0, events: 0 };
      }
      if (pass.phase === "deliveries") {
        const deleted = await deleteFinishedDeliveries(db, pass.before, batch);
        pass.deliveries += deleted;
        if (deleted < batch) pass.phase = "events";
        return true;
      }
      const walk = await deleteUnheldEvents(db, pass.before, pass.after, batch);
      pass.events += walk.deleted;
      pass.after = walk.after;
      if (walk.after !== null) return true;
      if (pass.deliveries + pass.events > 0)
        logger().info({ deliveries: pass.deliveries, events: pass.events, before: new Date(pass.before).toISOString() }, "webhook history pruned");
      pass = null;
      nextPassAt = now + everyMs;
      return false;
    },
  };
}
