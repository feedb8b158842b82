/** At most this many addresses are resolved at once (the API's limit). */
export const MAX_PASTED_EMAILS = 1_000;

export type ParsedEmails = { emails: string[]; duplicates: number };

/**
 * Splits pasted text into addresses: separated by new lines, commas, semicolons or spaces, as
 * lists come out of spreadsheets and mail clients. Each address is kept once (compared
 * case-insensitively), as first typed.
 */
export function parsePastedEmails(text: string): ParsedEmails {
  const seen = new Set<string>();
  const emails: string[] = [];
  let duplicates = 0;
  for (const part of text.split(/[\s,;]+/)) {
    // "Jane Doe <jane@x>" pastes as "<jane@x>": keep the address.
    const email = part.replace(/^<|>$/g, "").trim();
    if (!email) continue;
    const key = email.toLowerCase();
    if (seen.has(key)) duplicates += 1;
    else {
      seen.add(key);
      emails.push(email);
    }
  }
  return { emails, duplicates };
}
