import type { Db } from "@/db/client";
import { rekeyNonAsciiEmails, type EmailRekeyResult } from "@/db/queries/email-keys";
import { readMaintenanceMark, writeMaintenanceMark } from "@/db/queries/maintenance-marks";
import { normalizeEmail } from "@/lib/domain/email";
import { keyRule } from "./key-rule";

const MARK = "email-keys";

/**
 * Start-up and `roster migrate` step: keys stored by another rule (toLowerCase() before
 * normalizeEmail, docs/decisions/0009, or another Unicode version) are re-keyed. Only addresses
 * that are not pure ASCII can change. Reading every address takes seconds on a million users, so
 * a database is marked once all its keys are this process's (`rule`, see keyRule) and then not
 * read again. An address whose new key another user already has is left as it is, one log line
 * naming both users, and the database stays unmarked: the clash is logged at every start until
 * someone resolves it.
 */
export async function migrateEmailKeys(
  db: Db,
  log: (line: string) => void = (line) => console.error(line),
  rule = keyRule(),
): Promise<EmailRekeyResult & { skipped: boolean }> {
  if ((await readMaintenanceMark(db, MARK)) === rule) return { rekeyed: 0, conflicts: [], skipped: true };
  const result = await rekeyNonAsciiEmails(db, normalizeEmail);
  for (const conflict of result.conflicts) {
    const where = conflict.table === "users" ? "primary address" : `other address ${conflict.rowId}`;
    log(
      `roster: email key of user ${conflict.userId} (${where}) not updated: its new key is already user ${conflict.otherUserId}'s; resolve the duplicate by hand`,
    );
  }
  if (result.rekeyed > 0) log(`roster: re-keyed ${result.rekeyed} email address${result.rekeyed === 1 ? "" : "es"} by the current email rule`);
  // Keys written from here on are this rule's (every writer keys by normalizeEmail).
  if (result.conflicts.length === 0) await writeMaintenanceMark(db, MARK, rule);
  return { ...result, skipped: false };
}
