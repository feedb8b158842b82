import type { KeyObject } from "node:crypto";
import type { Db } from "@/db/client";
import { auditChainTenants, auditCheckpointsOf, MAX_REPORTED_BREAKS, walkAuditChain, type ChainBreak } from "@/db/queries/audit-chain-walk";
import type { ExportedCheckpoint } from "./exported-checkpoints";
import { checkpointSignatureValid, keyIdOf } from "./signing";

export type TenantChainReport = {
  tenantId: string;
  /** Null when the tenant's row is gone but its chain is not. */
  tenantName: string | null;
  events: number;
  checkpoints: number;
  /** How many of the exported checkpoints given were this tenant's (each then matched, or the chain is broken). */
  exportedCheckpoints: number;
  /** Whether the checkpoints' signatures were checked (a public key was at hand). */
  signaturesChecked: boolean;
  firstBreak: ChainBreak | null;
  /** Every break found, in chain order after any bad signature: at most MAX_REPORTED_BREAKS (`breaksCapped` then). */
  breaks: ChainBreak[];
  breaksCapped: boolean;
};

export type VerifyOptions = {
  tenantId?: string;
  /** The public keys to check checkpoints with, each found by its key id (old keys stay valid after a rotation). */
  publicKeys?: readonly KeyObject[];
  /** Checkpoints kept outside the database: each must match the chain, whether or not its row is still stored. */
  exported?: readonly ExportedCheckpoint[];
};

type Signed = { seq: number; hash: string; keyId: string; signature: string; exported?: boolean };

/**
 * Checks a tenant's audit chain (every tenant's without one): each event against its content and
 * the one before it, the chain's end against its head, and the checkpoints, stored and exported —
 * their signatures, with the public keys, and the chain's hash at their positions. It goes on past
 * a break, so that every place someone worked on is named, not only the first. Tenants are
 * every one with a trace of a chain (and those of the exported checkpoints), with a row or not.
 */
export async function verifyAuditLog(db: Db, options: VerifyOptions = {}): Promise<TenantChainReport[]> {
  const keys = new Map((options.publicKeys ?? []).map((key) => [keyIdOf(key), key]));
  const exported = (options.exported ?? []).filter((checkpoint) => options.tenantId === undefined || checkpoint.tenantId === options.tenantId);
  const tenants = await auditChainTenants(db, options.tenantId);
  for (const checkpoint of exported) if (!tenants.some((tenant) => tenant.id === checkpoint.tenantId)) tenants.push({ id: checkpoint.tenantId, name: null });
  const reports: TenantChainReport[] = [];
  for (const tenant of tenants) {
    const stored = (await auditCheckpointsOf(db, tenant.id)).map((checkpoint) => ({ ...checkpoint, seq: Number(checkpoint.seq) }));
    const theirs = exported.filter((checkpoint) => checkpoint.tenantId === tenant.id).map((checkpoint) => ({ ...checkpoint, exported: true }));
    const all: Signed[] = [...stored, ...theirs];
    const walk = await walkAuditChain(db, tenant.id, all, { allBreaks: true });
    const signature = keys.size > 0 ? signatureBreak(tenant.id, all, keys) : null;
    const breaks = [...(signature ? [signature] : []), ...(walk.breaks ?? [])];
    reports.push({
      tenantId: tenant.id,
      tenantName: tenant.name,
      events: walk.events,
      checkpoints: stored.length,
      exportedCheckpoints: theirs.length,
      signaturesChecked: keys.size > 0,
      firstBreak: breaks[0] ?? null,
      breaks,
      breaksCapped: (walk.breaks?.length ?? 0) >= MAX_REPORTED_BREAKS,
    });
  }
  return reports;
}

/** The first checkpoint, by position, whose key was not given or whose signature that key does not verify. */
function signatureBreak(tenantId: string, checkpoints: readonly Signed[], keys: ReadonlyMap<string, KeyObject>): ChainBreak | null {
  for (const checkpoint of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
    const which = `the ${checkpoint.exported ? "exported " : ""}checkpoint at #${checkpoint.seq}`;
    const key = keys.get(checkpoint.keyId);
    const message = !key
      ? `${which} is signed with key ${checkpoint.keyId}, which was not given`
      : checkpointSignatureValid(key, { tenantId, seq: checkpoint.seq, hash: checkpoint.hash }, checkpoint.signature)
        ? null
        : `${which} does not carry a valid signature of key ${checkpoint.keyId}`;
    if (message) return { kind: "checkpoint", seq: checkpoint.seq, eventId: null, message };
  }
  return null;
}
