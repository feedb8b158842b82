import type { Db } from "../client";
import { prepared } from "../prepared";
import type { AuditCheckpoint } from "../schema";

// Signed checkpoints of the audit chains (docs/decisions/0020): the signing is lib/audit's.

export type ChainHead = { tenantId: string; seq: number; hash: string };

// A head and its hash move in one transaction (db/queries/audit-chain.ts): read together, they agree.
const MOVED_SINCE_CHECKPOINT = `select h.tenant_id as "tenantId", h.seq, h.hash from audit_chain_heads h
  where h.seq > coalesce((select max(c.seq) from audit_checkpoints c where c.tenant_id = h.tenant_id), 0)`;
const COLUMNS = `tenant_id as "tenantId", seq, hash, key_id as "keyId", signature, created_at as "createdAt"`;
const NEWEST_WITH_KEY = `select ${COLUMNS} from audit_checkpoints where tenant_id = ? and key_id = ? order by seq desc limit 1`;
const BETWEEN = `select ${COLUMNS} from audit_checkpoints where tenant_id = ? and seq >= ? and seq <= ? order by seq`;
const INSERT = `insert into audit_checkpoints (tenant_id, seq, hash, key_id, signature, created_at) values (?, ?, ?, ?, ?, ?)
  on conflict (tenant_id, seq) do nothing`;

/** The chains (of one tenant, or all) whose head moved past their newest checkpoint. */
export async function chainsAwaitingCheckpoint(db: Db, tenantId?: string): Promise<ChainHead[]> {
  const heads = await prepared<ChainHead>(db, MOVED_SINCE_CHECKPOINT).all();
  return heads.map((head) => ({ ...head, seq: Number(head.seq) })).filter((head) => tenantId === undefined || head.tenantId === tenantId);
}

/** Stores a checkpoint; false when one already holds that position (another instance signed it first). */
export async function insertCheckpoint(db: Db, checkpoint: AuditCheckpoint): Promise<boolean> {
  const { changes } = await prepared(db, INSERT).run(
    checkpoint.tenantId,
    checkpoint.seq,
    checkpoint.hash,
    checkpoint.keyId,
    checkpoint.signature,
    checkpoint.createdAt,
  );
  return changes === 1;
}

/** The tenant's newest checkpoint that names the key `keyId` (its signature unchecked), if any. */
export async function newestCheckpointWithKey(db: Db, tenantId: string, keyId: string): Promise<AuditCheckpoint | undefined> {
  const checkpoint = await prepared<AuditCheckpoint>(db, NEWEST_WITH_KEY).get(tenantId, keyId);
  return checkpoint && { ...checkpoint, seq: Number(checkpoint.seq) };
}

/** The tenant's checkpoints from position `from` to `to`, oldest first. */
export async function checkpointsBetween(db: Db, tenantId: string, from: number, to: number): Promise<AuditCheckpoint[]> {
  return (await prepared<AuditCheckpoint>(db, BETWEEN).all(tenantId, from, to)).map((checkpoint) => ({ ...checkpoint, seq: Number(checkpoint.seq) }));
}
