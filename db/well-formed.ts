// Text as the databases can keep it. A lone surrogate (half a UTF-16 pair) has no UTF-8 form: SQLite
// (through better-sqlite3) stores bytes that are not UTF-8 (ED A0 80 for U+D800), read back as three
// U+FFFD, and PostgreSQL's jsonb refuses the escape outright, so such text read back is not what was
// written. The audit log makes it well-formed before hashing it; the API
// refuses request bodies that hold it (lib/api/request-body.ts).

/** Whether every string in `value` (object keys included) is well-formed: no allocation, for every audit event. */
export function allWellFormed(value: unknown): boolean {
  if (typeof value === "string") return value.isWellFormed();
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(allWellFormed);
  for (const key in value) if (!key.isWellFormed() || !allWellFormed((value as Record<string, unknown>)[key])) return false;
  return true;
}

/** `value` with each lone surrogate in its strings (object keys included) replaced by U+FFFD. */
const toWellFormed = (value: unknown): unknown => {
  if (typeof value === "string") return value.toWellFormed();
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(toWellFormed);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.toWellFormed(), toWellFormed(item)]));
};

/** `value` with every string in it well-formed, as the databases store text; copied only when something changes. */
export const wellFormed = <T>(value: T): T => (allWellFormed(value) ? value : (toWellFormed(value) as T));
