import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Db } from "@/db/client";
import { nextRunnableLeaverJobId } from "@/db/queries/leaver-batch";
import { claimDueDeliveries, recordAttempts, releaseLeases, type AttemptRecord, type ClaimedDelivery } from "@/db/queries/webhook-deliveries";
import { relayAuditEvents } from "@/db/queries/webhook-relay";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { attemptRecord, createWaker } from "./attempt-record";
import { createHistoryPruner } from "./retention";
import { DISABLE_AFTER_FAILING_MS } from "./backoff";
import { createWebhookSender, DELIVERY_TIMEOUT_MS, type WebhookSender } from "./sender";

export const WEBHOOK_CONCURRENCY = 32;
export const WEBHOOK_POLL_MS = 250;
/** Longer than an attempt can take (the sender's deadline): a live holder records before its lease ends; a dead one's ends by itself. */
export const WEBHOOK_LEASE_MS = 3 * DELIVERY_TIMEOUT_MS;
/**
 * How long `stop` waits for the attempts in flight: the sender's deadline, plus a little for the
 * last of them to settle. A sender that outlives it is not waited for (the process must exit).
 */
export const STOP_WAIT_MS = DELIVERY_TIMEOUT_MS + 1_000;
/**
 * While a bulk leaver job runs, deliveries go out a few at a time: the job's batches and the
 * dispatcher share the event loop, and the job comes first (its events follow it within seconds).
 */
export const WHILE_LEAVER_JOBS_RUN = { batch: 8, relay: 100, pauseMs: 500, checkEveryMs: 250 };
/** Audit events the SQLite relay turns into webhook events per round (db/queries/webhook-relay.ts). */
export const RELAY_BATCH = 1_000;
// Attempts are recorded in one transaction per this many, or per this time while attempts are in
// flight, and deliveries leased this many slots' worth ahead: a commit per attempt or per freed
// slot made the database, not the receivers, the limit.
const FLUSH_AT = 64;
const FLUSH_EVERY_MS = 50;
const LEASED_AHEAD = 4;
/** The pause between two batches of pruning, so that deliveries and requests get the write lock between them. */
const PRUNE_PAUSE_MS = 10;

export type DispatcherOptions = {
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES (ignored when `sender` is given). */
  allowPrivateAddresses: boolean;
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  /** The clock deliveries are scheduled by (tests move it on); signatures carry the real time. */
  now?: () => number;
  random?: () => number;
  sender?: WebhookSender;
  log?: (line: string) => void;
  /** Whether to slow down while a leaver job runs (WHILE_LEAVER_JOBS_RUN); on unless false. */
  yieldToLeaverJobs?: boolean;
  /** WEBHOOK_RETENTION_DAYS in ms: finished deliveries older than this are pruned (lib/webhooks/retention.ts); none without it. */
  retentionMs?: number;
  /** Between two prunes (PRUNE_EVERY_MS unless given). */
  pruneEveryMs?: number;
  /** How long `stop` waits for the attempts in flight (STOP_WAIT_MS unless given). */
  stopWaitMs?: number;
};

/**
 * `stop` sends nothing more, releases the leases of the deliveries not yet sent, and lets the
 * attempts in flight finish and records them; it waits at most `stopWaitMs` for them (the sender's
 * deadline ends each before then). One still in flight then is not recorded and its lease not
 * released: it ends by itself, 30 s after the claim, and the delivery is sent again (at least once).
 */
export type WebhookDispatcher = { stop(): Promise<void> };

/**
 * The webhook sender of the server process (started by server/start.ts, as the leaver worker is):
 * leases due deliveries (db/queries/webhook-deliveries.ts), POSTs up to `concurrency` at once,
 * and records each attempt: delivered, retried later (lib/webhooks/backoff.ts) or given up. State
 * lives in the database only: a restarted or another instance carries on where this one stopped,
 * and what it was sending when it died is sent again once its leases end (at least once). On
 * SQLite it also runs the relay that turns committed audit events into webhook events.
 */
export function startWebhookDispatcher(db: Db, options: DispatcherOptions): WebhookDispatcher {
  const concurrency = options.concurrency ?? WEBHOOK_CONCURRENCY;
  const pollMs = options.pollMs ?? WEBHOOK_POLL_MS;
  const leaseMs = options.leaseMs ?? WEBHOOK_LEASE_MS;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const stopWaitMs = options.stopWaitMs ?? STOP_WAIT_MS;
  const log = options.log ?? ((line: string) => logger().warn(line));
  const sender = options.sender ?? createWebhookSender({ allowPrivateAddresses: options.allowPrivateAddresses });
  const holder = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const waker = createWaker();
  const pruner = options.retentionMs === undefined ? null : createHistoryPruner(db, options.retentionMs, { everyMs: options.pruneEveryMs });
  // Leased, waiting for a free slot; being sent; sent, waiting to be recorded.
  const queue: ClaimedDelivery[] = [];
  const inFlight = new Set<Promise<void>>();
  const finished: AttemptRecord[] = [];
  let stopped = false;
  // Set while a leaver job runs (WHILE_LEAVER_JOBS_RUN).
  let yielding = false;
  let jobsCheckedAt = Number.NEGATIVE_INFINITY;
  let jobsRunning = false;

  const slots = () => (yielding ? Math.min(concurrency, WHILE_LEAVER_JOBS_RUN.batch) : concurrency);

  function startSends(): void {
    while (!stopped && queue.length > 0 && inFlight.size < slots()) send(queue.shift()!);
  }

  function send(delivery: ClaimedDelivery): void {
    const attemptedAt = now();
    metrics().webhookInFlight.inc();
    const sent = sender
      .send(delivery, new Date())
      .then((result) => {
        const record = attemptRecord(delivery, result, attemptedAt, random);
        finished.push(record);
        metrics().webhookDeliveries.inc({ outcome: record.outcome });
        if (result.delivered) metrics().webhookLag.observe(Math.max(0, now() - delivery.eventCreatedAt) / 1000);
      })
      .finally(() => {
        metrics().webhookInFlight.dec();
        inFlight.delete(sent);
        startSends();
        // Records are written in batches; the queue is refilled before it runs dry.
        if (!yielding && (finished.length >= FLUSH_AT || queue.length < concurrency)) waker.wake();
      });
    inFlight.add(sent);
  }

  async function flush(): Promise<void> {
    if (finished.length === 0) return;
    const records = finished.splice(0);
    const at = now();
    try {
      const disabled = await recordAttempts(db, holder, records, at, at - DISABLE_AFTER_FAILING_MS);
      for (const endpointId of disabled) log(`webhook endpoint ${endpointId} disabled: its deliveries failed for 3 days`);
    } catch (error) {
      // Not recorded: the leases end and the deliveries are sent again (receivers de-duplicate by webhook-id).
      log(`webhook attempts not recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function leaverJobRunning(): Promise<boolean> {
    if (options.yieldToLeaverJobs === false) return false;
    if (performance.now() - jobsCheckedAt >= WHILE_LEAVER_JOBS_RUN.checkEveryMs) {
      jobsRunning = (await nextRunnableLeaverJobId(db)) !== undefined;
      jobsCheckedAt = performance.now();
    }
    return jobsRunning;
  }

  async function round(): Promise<number> {
    await flush();
    yielding = await leaverJobRunning();
    const relayLimit = yielding ? WHILE_LEAVER_JOBS_RUN.relay : RELAY_BATCH;
    const backlog = (await relayAuditEvents(db, relayLimit, now())) === relayLimit;
    // Deliveries are leased ahead of the free slots, so that a freed slot never waits for a claim.
    const room = (yielding ? slots() : LEASED_AHEAD * concurrency) - queue.length - inFlight.size;
    if (room > 0 && queue.length < (yielding ? 1 : concurrency)) {
      queue.push(...(await claimDueDeliveries(db, { holder, now: now(), leaseMs, limit: room })));
      startSends();
    }
    if (yielding) return WHILE_LEAVER_JOBS_RUN.pauseMs;
    if (backlog) return 0;
    // Pruning waits while a job runs or events are still to relay: it is the least urgent work here.
    const pruning = pruner !== null && (await pruner.step(now()));
    const pause = inFlight.size + queue.length > 0 ? FLUSH_EVERY_MS : pollMs;
    return pruning ? Math.min(pause, PRUNE_PAUSE_MS) : pause;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        await waker.pause(await round());
      } catch (error) {
        log(`webhook dispatch failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
        await waker.pause(pollMs * 5);
      }
    }
  }

  const running = loop();
  return {
    async stop() {
      stopped = true;
      waker.wake();
      await running;
      const unsent = queue.splice(0).map((delivery) => delivery.id);
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, stopWaitMs);
        timer.unref();
      });
      const settled = (async () => {
        while (inFlight.size > 0) await Promise.all(inFlight);
      })();
      await Promise.race([settled, waited]);
      clearTimeout(timer);
      if (inFlight.size > 0)
        log(
          `webhook dispatcher stopped with ${inFlight.size} attempt(s) still in flight after ${stopWaitMs} ms: not recorded, sent again once their leases end`,
        );
      await flush();
      await releaseLeases(db, holder, unsent).catch((error: unknown) => log(`webhook leases not released: ${String(error)}`));
      if (!options.sender) await sender.close();
    },
  };
}
