import { createHash } from "node:crypto";
import Papa from "papaparse";

import { MAX_LEAVER_FILE_BYTES, MAX_LEAVER_ROWS } from "@/lib/contracts/leavers";

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
  const text = decodeUtf8(bytes); // TextDecoder drops a leading BOM
  if (text.trim() === "") throw new LeaverFileError("The file is empty; it needs a header row with an email column");

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
      delimitersToGuess: [",", ";"],
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
            state.failure = new LeaverFileError(`The header row has no email column (found: ${names.filter(Boolean).slice(0, 10).join(", ") || "nothing"})`);
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
        rows.push({
          rowNumber: rowCount,
          email: (record[header.email] ?? "").trim(),
          reason: header.reason >= 0 ? clean(record[header.reason]) : null,
          ticket: header.ticket >= 0 ? clean(record[header.ticket]) : null,
          effectiveAtText: header.effectiveAt >= 0 ? clean(record[header.effectiveAt]) : null,
        });
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
