import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { AUDIT_EVENT_COLUMNS, auditEventFromRow, recordAuditEvent, type AuditEventRow } from "@/db/queries/audit";
import { chainHash, GENESIS_HASH } from "@/db/queries/audit-chain";

// What someone with write access to the database, but not the signing key, can do to a chain: the
// tests of the checkpoints and of verification play it out.

export const appendEvents = async (db: Db, tenantId: string, count: number) => {
  for (let n = 0; n < count; n++) await recordAuditEvent(db, { tenantId, actorType: "system", actorName: "real", action: "test.tamper", outcome: "ok" });
};

const chainFrom = async (db: Db, tenantId: string, seq: number) =>
  (
    await prepared<AuditEventRow>(db, `select ${AUDIT_EVENT_COLUMNS} from audit_events where tenant_id = ? and chain_seq >= ? order by chain_seq`).all(
      tenantId,
      seq,
    )
  ).map(auditEventFromRow);

/** Edits the event at `seq` and recomputes every hash from there, moving the head: the chain alone still verifies. */
export async function rewriteFrom(db: Db, tenantId: string, seq: number): Promise<void> {
  const [before, ...events] = await chainFrom(db, tenantId, seq - 1);
  let prevHash = seq === 1 ? GENESIS_HASH : before!.hash!;
  for (const original of seq === 1 ? [before!, ...events] : events) {
    const edited = { ...original, actorName: Number(original.chainSeq) === seq ? "forged" : original.actorName };
    const hash = chainHash(prevHash, Number(original.chainSeq), edited);
    await prepared(db, "update audit_events set actor_name = ?, prev_hash = ?, hash = ? where id = ?").run(edited.actorName, prevHash, hash, original.id);
    prevHash = hash;
  }
  await prepared(db, "update audit_chain_heads set hash = ? where tenant_id = ?").run(prevHash, tenantId);
}

/** Deletes the events after `seq` and moves the head back to it: the chain alone still verifies. */
export async function cutBackTo(db: Db, tenantId: string, seq: number): Promise<void> {
  const [last] = await chainFrom(db, tenantId, seq);
  await prepared(db, "delete from audit_events where tenant_id = ? and chain_seq > ?").run(tenantId, seq);
  await prepared(db, "update audit_chain_heads set seq = ?, hash = ? where tenant_id = ?").run(seq, last!.hash, tenantId);
}

export const deleteCheckpointsAfter = (db: Db, tenantId: string, seq: number) =>
  prepared(db, "delete from audit_checkpoints where tenant_id = ? and seq > ?").run(tenantId, seq);
