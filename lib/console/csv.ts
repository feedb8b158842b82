import { unparse } from "papaparse";

/**
 * A column of a CSV file: a key of the row, or a header with a function that reads the cell.
 * Cells may be strings, numbers, booleans, Dates, null/undefined (empty) or objects (written as JSON).
 */
export type CsvColumn<T> = (keyof T & string) | { header: string; value: (row: T) => unknown };

// Spreadsheets run a cell starting with one of these as a formula (CSV injection, OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as text, with a leading `'` when a spreadsheet would otherwise read it as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  // Numbers and booleans are written by us, not typed by anyone: -5 stays a number.
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  const text = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * Rows as CSV (RFC 4180: CRLF line ends, quoted where needed), with a header row unless
 * `header: false` (for the second and later chunks of a file written in parts). Every cell is
 * escaped against formula injection; papaparse does the quoting (its own `escapeFormulae` misses
 * cells with line breaks, so the escaping is done here).
 */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[], options: { header?: boolean } = {}): string {
  const header = options.header ?? true;
  const fields = columns.map((column) => (typeof column === "string" ? column : column.header));
  const data = rows.map((row) => columns.map((column) => csvCell(typeof column === "string" ? row[column] : column.value(row))));
  const lines = header ? [fields.map(csvCell), ...data] : data;
  return lines.length === 0 ? "" : `${unparse(lines, { newline: "\r\n" })}\r\n`;
}
