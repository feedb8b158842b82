import type { Db } from "@/db/client";
import { rekeyNonAsciiEmails, type EmailRekeyResult } from "@/db/queries/email-keys";
import { normalizeEmail } from "@/lib/domain/email";

/**
 * Start-up and `roster migrate` step: keys stored before normalizeEmail replaced toLowerCase()
 * are re-keyed (docs/decisions/0009). Only addresses that are not pure ASCII can change. An
 * address whose new key another user already has is left as it is, one log line naming both
 * users, at every start until someone resolves it.
 */
export async function migrateEmailKeys(db: Db, log: (line: string) => void = (line) => console.error(line)): Promise<EmailRekeyResult> {
  const result = await rekeyNonAsciiEmails(db, normalizeEmail);
  for (const conflict of result.conflicts) {
    const where = conflict.table === "users" ? "primary address" : `other address ${conflict.rowId}`;
    log(
      `roster: email key of user ${conflict.userId} (${where}) not updated: its new key is already user ${conflict.otherUserId}'s; resolve the duplicate by hand`,
    );
  }
  if (result.rekeyed > 0) log(`roster: re-keyed ${result.rekeyed} email address${result.rekeyed === 1 ? "" : "es"} by the current email rule`);
  return result;
}
