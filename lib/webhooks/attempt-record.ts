import type { AttemptRecord, ClaimedDelivery } from "@/db/queries/webhook-deliveries";
import { retryDelay } from "./backoff";
import type { AttemptResult } from "./sender";

/** What becomes of a delivery after an attempt: delivered, tried again after its backoff, or given up. */
export function attemptRecord(delivery: ClaimedDelivery, result: AttemptResult, attemptedAt: number, random: () => number = Math.random): AttemptRecord {
  const attempt = delivery.attempts + 1;
  const delay = result.delivered ? null : retryDelay(attempt, random);
  return {
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
    attempt,
    attemptedAt,
    statusCode: result.statusCode,
    error: result.error,
    latencyMs: result.latencyMs,
    outcome: result.delivered ? "delivered" : delay === null ? "failed" : "retry",
    nextAttemptAt: delay === null ? null : attemptedAt + delay,
  };
}

/**
 * A pause that ends early on `wake()` (an attempt finished, the dispatcher stops), and a wake that
 * comes while nobody pauses is kept for the next pause, so that none is lost between two rounds.
 */
export function createWaker() {
  let resolvePause: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  const wake = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const resolve = resolvePause;
    resolvePause = null;
    if (resolve) resolve();
    else pending = true;
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pending) {
        pending = false;
        return resolve();
      }
      resolvePause = resolve;
      timer = setTimeout(wake, ms);
      // The dispatcher alone must not keep the process alive.
      timer.unref();
    });
  return { wake, pause };
}
