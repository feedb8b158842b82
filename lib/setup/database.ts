import { migrateDatabase, type Db } from "@/db/client";
import { chainUnchainedEvents } from "@/db/queries/audit-chain-walk";
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
 * before the audit chain existed join it (docs/decisions/0020). Run before a database is served or
 * used; `log` hears about clashes it leaves alone.
 */
export async function prepareDatabase(db: Db, log?: (line: string) => void): Promise<void> {
  await migrateDatabase(db);
  await refoldTextKeys(db);
  await migrateEmailKeys(db, log);
  await chainUnchainedEvents(db);
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
