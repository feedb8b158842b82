import type { Db } from "@/db/client";
import { walkAuditChain, type ChainBreak } from "@/db/queries/audit-chain-walk";
import { chainsAwaitingCheckpoint, checkpointsBetween, insertCheckpoint, newestCheckpointWithKey, type ChainHead } from "@/db/queries/audit-checkpoints";
import { logger } from "@/lib/observability/log";
import { CHECKPOINT_LOG_MESSAGE } from "./exported-checkpoints";
import { checkpointSignatureValid, signCheckpoint, type CheckpointKey } from "./signing";

/** A checkpoint as signed and stored: what the log line "audit checkpoint" carries, and what `audit verify --checkpoints` reads back. */
export type SignedCheckpoint = { tenantId: string; seq: number; hash: string; keyId: string; signature: string; signedAt: number };
export type RefusedCheckpoint = { tenantId: string; seq: number; firstBreak: ChainBreak };
export type CheckpointRun = { signed: SignedCheckpoint[]; refused: RefusedCheckpoint[] };
/** The position this process last signed, per tenant: a stored checkpoint deleted since is noticed. */
export type SignedPositions = Map<string, { seq: number; hash: string }>;

/**
 * Signs a checkpoint at the head of every chain (or the tenant's) that moved since its last one,
 * unless the chain is broken between its newest checkpoint and the head: a signature must not
 * bless a chain someone rewrote or cut short with the database alone (docs/decisions/0020).
 */
export async function writeCheckpoints(
  db: Db,
  key: CheckpointKey,
  options: { tenantId?: string; now?: number; signedBefore?: SignedPositions } = {},
): Promise<CheckpointRun> {
  const run: CheckpointRun = { signed: [], refused: [] };
  for (const head of await chainsAwaitingCheckpoint(db, options.tenantId)) {
    const firstBreak = await breakBeforeSigning(db, key, head, options.signedBefore?.get(head.tenantId));
    if (firstBreak) {
      run.refused.push({ tenantId: head.tenantId, seq: head.seq, firstBreak });
      continue;
    }
    const checkpoint = { ...head, keyId: key.keyId, signature: signCheckpoint(key, head), signedAt: options.now ?? Date.now() };
    if (await insertCheckpoint(db, { ...checkpoint, createdAt: checkpoint.signedAt })) {
      run.signed.push(checkpoint);
      options.signedBefore?.set(head.tenantId, { seq: head.seq, hash: head.hash });
    }
  }
  return run;
}

const refusal = (seq: number, message: string): ChainBreak => ({ kind: "checkpoint", seq, eventId: null, message });

/**
 * Checks the chain from the newest position this key vouches for (its newest stored checkpoint,
 * its signature checked, or what this process signed last, if later) to `head`. Only the events
 * since that checkpoint are read: at the configured interval, a few. A chain without one is walked
 * from its start (once per tenant, and once after the key changes).
 */
async function breakBeforeSigning(db: Db, key: CheckpointKey, head: ChainHead, remembered?: { seq: number; hash: string }): Promise<ChainBreak | null> {
  const own = await newestCheckpointWithKey(db, head.tenantId, key.keyId);
  if (own && !checkpointSignatureValid(key.publicKey, { tenantId: head.tenantId, seq: own.seq, hash: own.hash }, own.signature))
    return refusal(own.seq, `the checkpoint at #${own.seq} names this server's key (${key.keyId}) but does not carry its signature: it was not signed here`);
  const anchor = remembered && remembered.seq > (own?.seq ?? 0) ? remembered : own && { seq: own.seq, hash: own.hash };
  const stored = await checkpointsBetween(db, head.tenantId, anchor?.seq ?? 0, head.seq);
  if (anchor === remembered && anchor && !stored.some((checkpoint) => checkpoint.seq === anchor.seq && checkpoint.hash === anchor.hash))
    return refusal(anchor.seq, `the checkpoint this server signed at #${anchor.seq} is no longer stored: it was deleted`);
  if (anchor && anchor.seq > head.seq)
    return refusal(anchor.seq, `the chain's head (#${head.seq}) is below the checkpoint at #${anchor.seq}: its newest events were deleted`);
  return (await walkAuditChain(db, head.tenantId, stored, { from: anchor, until: head })).firstBreak;
}

export type Checkpointer = { stop(): Promise<void> };

/**
 * Signs checkpoints every `intervalMs` in the server process. Several instances may each sign:
 * a position is stored once (the others' inserts do nothing), and any of their signatures verifies.
 * Each checkpoint stored is also logged ("audit checkpoint"): shipped elsewhere, those lines are
 * the copy that someone with the database cannot delete (`audit verify --checkpoints`).
 */
export function startCheckpointer(db: Db, key: CheckpointKey, intervalMs: number): Checkpointer {
  const signedBefore: SignedPositions = new Map();
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = writeCheckpoints(db, key, { signedBefore })
      .then(logCheckpointRun)
      .catch((error: unknown) => logger().error({ err: error }, "audit checkpoint failed"));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** The structured log lines of a run: one "audit checkpoint" per checkpoint stored, an error per chain refused. */
export function logCheckpointRun(run: CheckpointRun): void {
  for (const checkpoint of run.signed) logger().info(checkpoint, CHECKPOINT_LOG_MESSAGE);
  for (const refused of run.refused)
    logger().error({ tenantId: refused.tenantId, seq: refused.seq, break: refused.firstBreak }, "audit checkpoint refused: the chain is broken");
}
