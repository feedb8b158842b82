import { migrateDatabase, type Db } from "@/db/client";
import { recordAuditEvent } from "@/db/queries/audit";
import { auditChainsBegun, chainUnchainedEvents } from "@/db/queries/audit-chain-walk";
import { readMaintenanceMark, writeMaintenanceMark } from "@/db/queries/maintenance-marks";
import { queueUsersWithNonAsciiText, usersToRefold, writeRefoldedKeys } from "@/db/queries/user-keys";
import { foldText } from "@/lib/domain/email";
import { migrateEmailKeys } from "./email-keys";
import { keyRule } from "./key-rule";

const REFOLD_BATCH = 1_000;

/**
 * Brings a database to the current schema, then computes the keys that migrations cannot: SQL
 * has no Unicode case folding, so a migration queues users whose text is not ASCII and their
 * keys are folded here (docs/decisions/0013), and keys stored by another rule or Unicode version
 * are recomputed, once per version (refoldTextKeys, migrateEmailKeys: 0009); audit events written
 * before the audit chain existed join it, once (catchUpAuditChain, docs/decisions/0020). Run before
 * a database is served or used; `log` hears about clashes it leaves alone and about the catch-up.
 */
export async function prepareDatabase(db: Db, log?: (line: string) => void): Promise<void> {
  await migrateDatabase(db);
  await refoldTextKeys(db);
  await migrateEmailKeys(db, log);
  await catchUpAuditChain(db, log);
}

const CHAIN_MARK = "audit-chain-catch-up";

/**
 * Chains the audit events written before the chain existed, once per database: an event outside
 * the chain found later was written around it (by hand, or by a version before the chain still
 * running) and is left for `audit verify` to report, never chained. A database in which a chain
 * has begun was caught up by the version that began it, at its starts: it is marked without
 * chaining anything. The mark says "running" during a catch-up, so one cut short goes on at the
 * next start. Each tenant's catch-up is itself an audit event (`audit.chain_caught_up`, the count).
 * Returns how many events it chained.
 */
export async function catchUpAuditChain(db: Db, log?: (line: string) => void): Promise<number> {
  const mark = await readMaintenanceMark(db, CHAIN_MARK);
  if (mark === "done") return 0;
  if (mark === null && (await auditChainsBegun(db))) {
    await writeMaintenanceMark(db, CHAIN_MARK, "done");
    return 0;
  }
  await writeMaintenanceMark(db, CHAIN_MARK, "running");
  let total = 0;
  for (const { tenantId, chained } of await chainUnchainedEvents(db)) {
    await recordAuditEvent(db, {
      tenantId,
      actorType: "system",
      actorName: "roster setup",
      action: "audit.chain_caught_up",
      outcome: "ok",
      details: { chained },
    });
    total += chained;
  }
  if (total > 0) log?.(`roster: chained ${total} audit event(s) written before the audit chain (once; see docs/decisions/0020)`);
  await writeMaintenanceMark(db, CHAIN_MARK, "done");
  return total;
}

const TEXT_KEYS_MARK = "text-keys";

/**
 * Folds the queued users' keys; when the database's folded names and codes may be another rule's
 * (`rule`, see keyRule), every user whose text is not ASCII is queued first, once: the database is
 * then marked with the rule. Returns how many users it folded.
 */
export async function refoldTextKeys(db: Db, rule = keyRule()): Promise<number> {
  if ((await readMaintenanceMark(db, TEXT_KEYS_MARK)) === rule) return refoldQueuedUsers(db);
  await queueUsersWithNonAsciiText(db);
  const folded = await refoldQueuedUsers(db);
  await writeMaintenanceMark(db, TEXT_KEYS_MARK, rule);
  return folded;
}

/** Folds the queued users' keys in batches; returns how many users it folded. */
export async function refoldQueuedUsers(db: Db): Promise<number> {
  let folded = 0;
  for (let batch = await usersToRefold(db, REFOLD_BATCH); batch.length > 0; batch = await usersToRefold(db, REFOLD_BATCH)) {
    await writeRefoldedKeys(
      db,
      batch.map((user) => ({ id: user.id, nameFolded: foldText(user.name), uniqueCodeFolded: foldText(user.uniqueCode) })),
    );
    folded += batch.length;
  }
  return folded;
}
