// Spreadsheets run a cell starting with one of these as a formula (CSV injection, OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as text, with a leading `'` when a spreadsheet would otherwise read it as a formula.
 * The one escaping rule of every CSV Roster writes (docs/decisions/0006); kept free of imports so
 * that browser code can use it without loading papaparse up front.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  // Numbers and booleans are written by us, not typed by anyone: -5 stays a number.
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  const text = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}
