import type { KeyObject } from "node:crypto";
import type { Db } from "@/db/client";
import { auditCheckpointsOf, walkAuditChain, type ChainBreak } from "@/db/queries/audit-chain-walk";
import { tenantNames } from "@/db/queries/tenants";
import { checkpointSignatureValid, keyIdOf } from "./signing";

export type TenantChainReport = {
  tenantId: string;
  tenantName: string;
  events: number;
  checkpoints: number;
  /** Whether the checkpoints' signatures were checked (a public key was at hand). */
  signaturesChecked: boolean;
  firstBreak: ChainBreak | null;
};

/**
 * Checks a tenant's audit chain (every tenant's without one): each event against its content and
 * the one before it, the chain's end against its head, and the signed checkpoints — their
 * signatures, with `publicKey`, and the chain's hash at their positions.
 */
export async function verifyAuditLog(db: Db, options: { tenantId?: string; publicKey?: KeyObject } = {}): Promise<TenantChainReport[]> {
  const tenants = (await tenantNames(db)).filter((tenant) => options.tenantId === undefined || tenant.id === options.tenantId);
  const keyId = options.publicKey && keyIdOf(options.publicKey);
  const reports: TenantChainReport[] = [];
  for (const tenant of tenants) {
    const checkpoints = await auditCheckpointsOf(db, tenant.id);
    const forged = options.publicKey
      ? checkpoints.find(
          (checkpoint) =>
            checkpoint.keyId !== keyId ||
            !checkpointSignatureValid(options.publicKey!, { tenantId: tenant.id, seq: Number(checkpoint.seq), hash: checkpoint.hash }, checkpoint.signature),
        )
      : undefined;
    const walk = await walkAuditChain(db, tenant.id, checkpoints);
    const firstBreak: ChainBreak | null = forged
      ? {
          kind: "checkpoint",
          seq: Number(forged.seq),
          eventId: null,
          message:
            forged.keyId !== keyId
              ? `the checkpoint at #${forged.seq} names key ${forged.keyId}, not the key given (${keyId})`
              : `the checkpoint at #${forged.seq} does not carry a valid signature of the key given (${keyId})`,
        }
      : walk.firstBreak;
    reports.push({
      tenantId: tenant.id,
      tenantName: tenant.name,
      events: walk.events,
      checkpoints: checkpoints.length,
      signaturesChecked: options.publicKey !== undefined,
      firstBreak,
    });
  }
  return reports;
}
