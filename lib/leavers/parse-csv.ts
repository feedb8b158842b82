import { createHash } from "node:crypto";
import Papa from "papaparse";

import { MAX_LEAVER_CELL_CHARS, MAX_LEAVER_COLUMNS, MAX_LEAVER_FILE_BYTES, MAX_LEAVER_RECORDS, MAX_LEAVER_ROWS } from "@/lib/contracts/leavers";

export type LeaverFileRow = {
  rowNumber: number;
  email: string;
  reason: string | null;
  ticket: string | null;
  /** The effective_at cell as written (null: empty or no such column); classify resolves it. */
  effectiveAtText: string | null;
};
export type ParsedLeaverFile = { rows: LeaverFileRow[]; rowCount: number; sha256: string; delimiter: string };
export type ParseOptions = {
  /**
   * Called with each chunk of rows as they are parsed, parsing waiting until it resolves; the
   * rows are then not kept (`rows` is empty). A rejection stops the parse and rejects with it.
   */
  onRows?: (rows: LeaverFileRow[]) => Promise<void> | void;
  chunkRows?: number;
};

/** Why a file was refused; the message is shown to the admin as it is. */
export class LeaverFileError extends Error {}

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function decodeUtf8(bytes: Uint8Array): string {
  // NUL bytes never occur in a text CSV; invalid UTF-8 means a binary file or another encoding.
  if (bytes.includes(0)) throw new LeaverFileError("The file is not a CSV text file (it contains binary data)");
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new LeaverFileError("The file is not UTF-8 text; save it as CSV UTF-8 and upload it again");
  }
}

const DELIMITERS = [",", ";"];
const WHITESPACE = /\s*/y;

/**
 * The file's line ending: the first one outside quotes (what PapaParse guesses, except in a file that mixes them).
 * PapaParse is told it rather than left to guess, so that it and `refuseOversizedRecords` end records at the same places.
 */
function lineEnding(text: string): "\r\n" | "\n" | "\r" {
  let quoted = false;
  const end = Math.min(text.length, 1024 * 1024);
  for (let i = 0; i < end; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "\n") return "\n";
    else if (!quoted && c === "\r") return text[i + 1] === "\n" ? "\r\n" : "\r";
  }
  return "\n";
}

/**
 * Where the quoted field opened at `open` ends (after its closing quote; the text's length if it does not), by
 * PapaParse's rule: `""` is a quote, and a quote closes the field only when it ends the text or is followed by
 * whitespace and then a delimiter or a line ending (another quote is part of the field).
 */
function endOfQuotedField(text: string, open: number, delimiter: string, newline: string): number {
  for (let quote = text.indexOf('"', open + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    if (quote === text.length - 1) return text.length;
    if (text[quote + 1] === '"') {
      quote += 1;
      continue;
    }
    WHITESPACE.lastIndex = quote + 1;
    WHITESPACE.test(text);
    const end = WHITESPACE.lastIndex;
    // Neither a delimiter nor a quote is whitespace; a line ending is.
    if (text[end] === delimiter || (end > quote + 1 && text.slice(quote + 1, end).includes(newline))) return quote + 1;
  }
  return text.length;
}

/**
 * Counts the records of `text` split on `delimiter` and `newline` as PapaParse splits them (a quote opens a quoted
 * field only at the start of a field; `endOfQuotedField` ends it), stopping at the first record of more than
 * MAX_LEAVER_COLUMNS fields or past MAX_LEAVER_RECORDS records. Records are numbered from 1, the header and blank
 * lines included (a spreadsheet's row numbers). It jumps from one delimiter or line ending to the next with indexOf,
 * as PapaParse does: a loop over every character took ten times as long.
 */
function scanRecords(text: string, delimiter: string, newline: string): { records: number; wideRecord: number | null } {
  let records = 1;
  let fields = 1;
  let nextDelimiter = text.indexOf(delimiter);
  let nextNewline = text.indexOf(newline);
  // `at` is the start of a field.
  for (let at = 0; at < text.length;) {
    if (text[at] === '"') at = endOfQuotedField(text, at, delimiter, newline);
    if (nextDelimiter !== -1 && nextDelimiter < at) nextDelimiter = text.indexOf(delimiter, at);
    if (nextNewline !== -1 && nextNewline < at) nextNewline = text.indexOf(newline, at);
    if (nextDelimiter !== -1 && (nextNewline === -1 || nextDelimiter < nextNewline)) {
      fields += 1;
      if (fields > MAX_LEAVER_COLUMNS) return { records, wideRecord: records };
      at = nextDelimiter + delimiter.length;
      nextDelimiter = text.indexOf(delimiter, at);
    } else if (nextNewline !== -1) {
      records += 1;
      if (records > MAX_LEAVER_RECORDS) return { records, wideRecord: null };
      fields = 1;
      at = nextNewline + newline.length;
      nextNewline = text.indexOf(newline, at);
    } else {
      break;
    }
  }
  return { records, wideRecord: null };
}

/**
 * Refuses a file before PapaParse reads it if one of its records has more fields than a leaver file can use, or if it
 * has far more records than rows it may have. PapaParse builds a whole record (its delimiter guess, the first ten) as
 * an array before any callback sees it, and splits a file without quotes into an array of all its lines: 20 MB of
 * commas in one record, or of blank lines, is an array of 20 million entries, more than the server's heap, and running
 * out of heap ends the process (it cannot be caught). One scan per delimiter PapaParse may guess, so the bound holds
 * whichever it takes (a comma file with 100 semicolons in one quoted cell is refused too); it builds no values.
 */
function refuseOversizedRecords(text: string, newline: string): void {
  const scans = DELIMITERS.map((delimiter) => scanRecords(text, delimiter, newline));
  const wide = scans.flatMap((scan) => (scan.wideRecord === null ? [] : [scan.wideRecord]));
  if (wide.length > 0) {
    throw new LeaverFileError(
      `Record ${Math.min(...wide).toLocaleString("en-US")} has more than ${MAX_LEAVER_COLUMNS} columns; a leaver file needs email and at most reason, ticket, effective_at`,
    );
  }
  // Only a file without quotes is split whole, into the same lines whichever the delimiter: a file that has more under
  // both has them under the one PapaParse takes (a comma file's quoted line breaks are record ends when read with `;`).
  if (scans.every((scan) => scan.records > MAX_LEAVER_RECORDS)) {
    throw new LeaverFileError(`The file has more than ${MAX_LEAVER_RECORDS.toLocaleString("en-US")} lines, blank ones included; split it into smaller files`);
  }
}

// Each limited column and where a row keeps it: read once per row, so no object is built for the check.
const LIMITED_CELLS: [column: keyof typeof MAX_LEAVER_CELL_CHARS, cell: (row: LeaverFileRow) => string | null][] = [
  ["email", (row) => row.email],
  ["reason", (row) => row.reason],
  ["ticket", (row) => row.ticket],
  ["effective_at", (row) => row.effectiveAtText],
];

/** The cells kept of a row, each refused when longer than MAX_LEAVER_CELL_CHARS allows: a cell goes into previews, jobs, audit events and webhooks. */
function tooLongCell(row: LeaverFileRow): string | null {
  for (const [column, cell] of LIMITED_CELLS) {
    const max = MAX_LEAVER_CELL_CHARS[column];
    if ((cell(row)?.length ?? 0) > max) return `Row ${row.rowNumber}: ${column} is longer than ${max.toLocaleString("en-US")} characters`;
  }
  return null;
}

const clean = (value: unknown): string | null => {
  const text = typeof value === "string" ? value.trim() : "";
  return text === "" ? null : text;
};

/**
 * Parses a leaver file: a header row naming an `email` column (any case) and optionally `reason`,
 * `ticket` and `effective_at`, comma- or semicolon-separated, quoted fields allowed, blank lines skipped. The
 * limits are checked while PapaParse steps through the records, so an oversized file stops early.
 * With `onRows`, PapaParse pauses at each full chunk until the chunk's (database) work is done.
 */
export async function parseLeaverCsv(bytes: Uint8Array, options: ParseOptions = {}): Promise<ParsedLeaverFile> {
  if (bytes.byteLength > MAX_LEAVER_FILE_BYTES) {
    throw new LeaverFileError(`The file is larger than the limit of ${MB(MAX_LEAVER_FILE_BYTES)} (${bytes.byteLength.toLocaleString("en-US")} bytes)`);
  }
  // TextDecoder drops a leading BOM and PapaParse another: all are dropped here, so the guard reads what PapaParse reads.
  const text = decodeUtf8(bytes).replace(/^\uFEFF+/, "");
  if (text.trim() === "") throw new LeaverFileError("The file is empty; it needs a header row with an email column");
  const newline = lineEnding(text);
  refuseOversizedRecords(text, newline);

  let rows: LeaverFileRow[] = [];
  let rowCount = 0;
  const chunkRows = options.chunkRows ?? 1_000;
  const takeRows = () => {
    const chunk = rows;
    rows = [];
    return chunk;
  };
  // An object, not loose variables: TypeScript does not see assignments made inside the step callback.
  const state: { header: { email: number; reason: number; ticket: number; effectiveAt: number } | null; failure: unknown; delimiter: string } = {
    header: null,
    failure: null,
    delimiter: ",",
  };
  await new Promise<void>((resolve) => {
    Papa.parse<string[]>(text, {
      delimitersToGuess: DELIMITERS,
      newline,
      skipEmptyLines: "greedy",
      // Called at the end, and when the parse is aborted.
      complete: () => resolve(),
      step(step, parser) {
        const record = step.data;
        state.delimiter = step.meta.delimiter;
        const broken = step.errors.find((error) => error.type === "Quotes");
        if (broken) {
          state.failure = new LeaverFileError(`The file is not valid CSV: ${broken.message} (record ${rowCount + 1})`);
          parser.abort();
          return;
        }
        if (!state.header) {
          const names = record.map((cell) => cell.trim().toLowerCase());
          const email = names.indexOf("email");
          if (email < 0) {
            const found = names.filter(Boolean).slice(0, 10);
            state.failure = new LeaverFileError(
              `The header row has no email column (found: ${found.map((name) => (name.length > 40 ? `${name.slice(0, 40)}…` : name)).join(", ") || "nothing"})`,
            );
            parser.abort();
            return;
          }
          state.header = { email, reason: names.indexOf("reason"), ticket: names.indexOf("ticket"), effectiveAt: names.indexOf("effective_at") };
          return;
        }
        if (rowCount >= MAX_LEAVER_ROWS) {
          state.failure = new LeaverFileError(`The file has more than ${MAX_LEAVER_ROWS.toLocaleString("en-US")} rows; split it into smaller files`);
          parser.abort();
          return;
        }
        const header = state.header;
        rowCount += 1;
        const row: LeaverFileRow = {
          rowNumber: rowCount,
          email: (record[header.email] ?? "").trim(),
          reason: header.reason >= 0 ? clean(record[header.reason]) : null,
          ticket: header.ticket >= 0 ? clean(record[header.ticket]) : null,
          effectiveAtText: header.effectiveAt >= 0 ? clean(record[header.effectiveAt]) : null,
        };
        // Refused, not cut: nothing of the file is kept (the preview discards the chunks it stored).
        const tooLong = tooLongCell(row);
        if (tooLong) {
          state.failure = new LeaverFileError(tooLong);
          parser.abort();
          return;
        }
        rows.push(row);
        const onRows = options.onRows;
        if (!onRows || rows.length < chunkRows) return;
        const chunk = takeRows();
        parser.pause();
        // Settled here: a rejection becomes the parse's failure.
        void Promise.resolve()
          .then(() => onRows(chunk))
          .then(
            () => parser.resume(),
            (error: unknown) => {
              state.failure = error;
              parser.abort();
            },
          );
      },
    });
  });
  if (state.failure) throw state.failure;
  if (!state.header) throw new LeaverFileError("The file has no header row with an email column");
  if (rowCount === 0) throw new LeaverFileError("The file has a header row but no rows of leavers");
  if (options.onRows && rows.length > 0) await options.onRows(takeRows());
  return { rows, rowCount, sha256: createHash("sha256").update(bytes).digest("hex"), delimiter: state.delimiter };
}
