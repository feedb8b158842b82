import type { EmailKey, SearchKeys, TextKey } from "@/db/schema";

/**
 * The one rule by which Roster compares email addresses, for what it stores (`email_normalized`)
 * and for every lookup: trimmed, NFKC-normalised and case-folded. Two addresses that a person
 * would read as the same (any case, full-width letters, the Kelvin sign for K) get one key, so
 * they can never be two users, and a lookup by either finds the one user (docs/decisions/0009).
 *
 * Case folding uses the platform's Unicode case mappings (lower, then upper, then lower again),
 * which give every case variant of a string one key (ß, ẞ and SS all become "ss") and stay
 * current with the engine's Unicode version instead of a copied table. The key is idempotent for
 * every code point (lib/domain/email.test.ts); it is a comparison key, never shown to anyone.
 */
export function normalizeEmail(email: string): EmailKey {
  return fold(email.trim()) as EmailKey;
}

/**
 * The rule of normalizeEmail and foldText (one folding): a new number for every change to what it
 * does, so that keys stored by an older rule are recomputed once (lib/setup/key-rule.ts);
 * lib/domain/email.test.ts pins its outputs.
 */
export const KEY_RULE_VERSION = 2;

/** The same folding for any text that is searched case-insensitively (names, codes). */
export function foldText(text: string): TextKey {
  return fold(text) as TextKey;
}

/** The two rules, for code in db/ that writes keys but cannot import lib/ (the seed). */
export const searchKeys: SearchKeys = { email: normalizeEmail, text: foldText };

function fold(text: string): string {
  // ASCII is the common case by far (and the hot path of bulk lookups): lower-casing is the whole rule there.
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize("NFKC").toLowerCase().toUpperCase().toLowerCase().normalize("NFKC");
}

const ASCII = /^[\x00-\x7f]*$/;

/** An address as typed (trimmed) with its key: the two columns every stored address has. */
export function emailFields(email: string): { email: string; emailNormalized: EmailKey } {
  return { email: email.trim(), emailNormalized: normalizeEmail(email) };
}
