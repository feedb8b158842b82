import type { EmailKey, LeaverClass } from "@/db/schema";
import { normalizeEmail } from "@/lib/domain/email";
import { parseEffectiveAt } from "@/lib/scheduled/effective-at";
import type { LeaverFileRow } from "./parse-csv";

export type ClassifiedRow = LeaverFileRow & {
  class: LeaverClass;
  userId: string | null;
  /** The user's place in storage where the database tells it (SQLite's rowid; docs/decisions/0027). */
  storageOrder: number | null;
  duplicateOf: number | null;
  effectiveAt: number | null;
};
/** When the file is read (a past effective_at means now) and the zone its dates end in. */
export type ClassifyTime = { now: number; timeZone: string };
export type LeaverCounts = Record<LeaverClass, number>;
export type UserState = { id: string; active: boolean; storageOrder?: number };

// Deliberately plain: one @, no spaces, a dot in the domain. The directory decides the rest.
const EMAIL_PATTERN = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[^\s@"<>,;]+$/;
export const MAX_EMAIL_LENGTH = 254;

export function isPlausibleEmail(email: string): boolean {
  return email.length > 0 && email.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(email);
}

export function emptyCounts(): LeaverCounts {
  return { will_deactivate: 0, already_inactive: 0, not_found: 0, invalid_email: 0, duplicate: 0, self: 0, scheduled: 0, invalid_effective_at: 0 };
}

/**
 * Classifies rows, chunk after chunk of one file, in this order: invalid email, invalid
 * effective_at, repeat of an earlier row (compared case-insensitively), unknown in the tenant, the
 * uploading admin themself, already inactive, effective later ("scheduled"), and otherwise "will
 * deactivate" (an effective_at already past included). `users` maps normalized emails to the
 * tenant's users (those of the chunk suffice). The rows are classified in place, to keep a
 * 100,000-row upload small in memory.
 */
export function createLeaverClassifier(selfUserId: string, time: ClassifyTime = { now: Date.now(), timeZone: "UTC" }) {
  const counts = emptyCounts();
  const firstRowByEmail = new Map<string, number>();
  return {
    counts,
    classify(rows: LeaverFileRow[], users: ReadonlyMap<string, UserState>): ClassifiedRow[] {
      for (const row of rows as ClassifiedRow[]) {
        const key = normalizeEmail(row.email);
        let cls: LeaverClass;
        let user: UserState | undefined;
        let duplicateOf: number | null = null;
        const effective = parseEffectiveAt(row.effectiveAtText, time.timeZone);
        if (!isPlausibleEmail(key)) cls = "invalid_email";
        else if (!effective.ok) cls = "invalid_effective_at";
        else if (firstRowByEmail.has(key)) {
          cls = "duplicate";
          duplicateOf = firstRowByEmail.get(key) ?? null;
        } else {
          firstRowByEmail.set(key, row.rowNumber);
          user = users.get(key);
          if (!user) cls = "not_found";
          else if (user.id === selfUserId) cls = "self";
          else if (!user.active) cls = "already_inactive";
          else if (effective.at !== null && effective.at > time.now) cls = "scheduled";
          else cls = "will_deactivate";
        }
        counts[cls] += 1;
        row.class = cls;
        row.userId = cls === "duplicate" ? null : (user?.id ?? null);
        row.storageOrder = user?.storageOrder ?? null;
        row.duplicateOf = duplicateOf;
        row.effectiveAt = effective.ok ? effective.at : null;
      }
      return rows as ClassifiedRow[];
    },
  };
}

/** Classifies a whole file's rows at once (see createLeaverClassifier). */
export function classifyLeaverRows(rows: LeaverFileRow[], users: ReadonlyMap<string, UserState>, selfUserId: string, time?: ClassifyTime) {
  const classifier = createLeaverClassifier(selfUserId, time);
  return { rows: classifier.classify(rows, users), counts: classifier.counts };
}

/** The normalized, plausible, distinct emails of a file: what the directory is asked about. */
export function emailsToLookUp(rows: readonly LeaverFileRow[]): EmailKey[] {
  const emails = new Set<EmailKey>();
  for (const row of rows) {
    const key = normalizeEmail(row.email);
    if (isPlausibleEmail(key)) emails.add(key);
  }
  return [...emails];
}
