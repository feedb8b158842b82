import { unparse } from "papaparse";
import { csvCell } from "@/lib/csv-cell";

/**
 * A column of a CSV file: a key of the row, or a header with a function that reads the cell.
 * Cells may be strings, numbers, booleans, Dates, null/undefined (empty) or objects (written as JSON).
 */
export type CsvColumn<T> = (keyof T & string) | { header: string; value: (row: T) => unknown };

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
