import { describe, expect, it } from "vitest";
import { MAX_LEAVER_CELL_CHARS, MAX_LEAVER_COLUMNS, MAX_LEAVER_FILE_BYTES, MAX_LEAVER_RECORDS, MAX_LEAVER_ROWS } from "@/lib/contracts/leavers";
import { LeaverFileError, parseLeaverCsv, type LeaverFileRow } from "./parse-csv";

const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => parseLeaverCsv(bytes(text));
const refused = async (input: Uint8Array | string) => {
  try {
    await parseLeaverCsv(typeof input === "string" ? bytes(input) : input);
  } catch (error) {
    expect(error).toBeInstanceOf(LeaverFileError);
    return (error as Error).message;
  }
  throw new Error("the file was accepted");
};

describe("parseLeaverCsv", () => {
  it("reads email, reason and ticket by header name in any case and order", async () => {
    const file = await parse("Ticket,EMAIL,Reason\nT-1, a@x.test ,contract ended\nT-2,b@x.test,\n");
    expect(file.rows).toEqual([
      { rowNumber: 1, email: "a@x.test", reason: "contract ended", ticket: "T-1", effectiveAtText: null },
      { rowNumber: 2, email: "b@x.test", reason: null, ticket: "T-2", effectiveAtText: null },
    ]);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts a UTF-8 BOM before the header", async () => {
    const file = await parseLeaverCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes("email\nä@x.test\n")]));
    expect(file.rows.map((r) => r.email)).toEqual(["ä@x.test"]);
  });

  it("accepts semicolons as separators (spreadsheet exports in many locales)", async () => {
    const file = await parse("email;reason\na@x.test;left; for good\n".replace("; for", ", for"));
    expect(file.delimiter).toBe(";");
    expect(file.rows[0]).toMatchObject({ email: "a@x.test", reason: "left, for good" });
  });

  it("keeps commas and quotes inside quoted fields", async () => {
    const file = await parse('email,reason\n"a@x.test","Reorg, team ""Blue"""\n');
    expect(file.rows[0]).toMatchObject({ email: "a@x.test", reason: 'Reorg, team "Blue"' });
  });

  it("skips blank lines and numbers only the records", async () => {
    const file = await parse("email\r\n\r\na@x.test\r\n   \r\n\r\nb@x.test\r\n\r\n");
    expect(file.rows.map((r) => [r.rowNumber, r.email])).toEqual([
      [1, "a@x.test"],
      [2, "b@x.test"],
    ]);
  });

  it("refuses a file without an email column", async () => {
    expect(await refused("name,reason\nAnn,left\n")).toMatch(/no email column/);
    expect((await refused(`${"n".repeat(100_000)},reason\nAnn,left\n`)).length).toBeLessThan(200);
  });

  it("refuses an empty file and a header without rows", async () => {
    expect(await refused("")).toMatch(/empty/);
    expect(await refused("email\n\n")).toMatch(/no rows/);
  });

  it("refuses a binary file", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    expect(await refused(png)).toMatch(/binary/);
    expect(await refused(new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xff, 0xfe, 0x41]))).toMatch(/not UTF-8/);
  });

  it(`accepts ${MAX_LEAVER_ROWS} rows and refuses ${MAX_LEAVER_ROWS + 1}`, async () => {
    const lines = (n: number) => `email\n${Array.from({ length: n }, (_, i) => `u${i}@x.test`).join("\n")}\n`;
    expect((await parse(lines(MAX_LEAVER_ROWS))).rows).toHaveLength(MAX_LEAVER_ROWS);
    expect(await refused(lines(MAX_LEAVER_ROWS + 1))).toMatch(/more than 100,000 rows/);
  });

  it("accepts exactly 20 MB and refuses 20 MB + 1 byte", async () => {
    const exact = new Uint8Array(MAX_LEAVER_FILE_BYTES).fill(0x20);
    exact.set(bytes("email,reason\na@x.test,"));
    expect((await parseLeaverCsv(exact)).rows).toHaveLength(1);
    const over = new Uint8Array(MAX_LEAVER_FILE_BYTES + 1).fill(0x20);
    over.set(bytes("email,reason\na@x.test,"));
    expect(await refused(over)).toMatch(/larger than the limit of 20 MB/);
  });

  it("hands rows over in chunks when asked, keeping none", async () => {
    const sizes: number[] = [];
    const file = await parseLeaverCsv(bytes(`email\n${Array.from({ length: 2_500 }, (_, i) => `u${i}@x.test`).join("\n")}\n`), {
      onRows: (rows) => void sizes.push(rows.length),
    });
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(file).toMatchObject({ rows: [], rowCount: 2_500 });
  });

  it("waits for each chunk's work before parsing on, and reads records across chunk boundaries as without chunks", async () => {
    const csv = `Reason;EMAIL\n${Array.from({ length: 25 }, (_, i) => `"left;\nfor good ${i}";u${i}@x.test`).join("\r\n")}\n`;
    const whole = await parse(csv);
    const seen: LeaverFileRow[] = [];
    let busy = false;
    const file = await parseLeaverCsv(bytes(csv), {
      chunkRows: 4,
      onRows: async (rows) => {
        expect(busy).toBe(false);
        busy = true;
        await new Promise((resolve) => setTimeout(resolve, 2));
        seen.push(...rows);
        busy = false;
      },
    });
    expect(file).toMatchObject({ rows: [], rowCount: 25, delimiter: ";" });
    expect(seen).toEqual(whole.rows);
    expect(seen[24]).toEqual({ rowNumber: 25, email: "u24@x.test", reason: "left;\nfor good 24", ticket: null, effectiveAtText: null });
  });

  it("stops at a chunk whose work fails, with that failure", async () => {
    const chunks: number[] = [];
    const failing = parseLeaverCsv(bytes(`email\n${Array.from({ length: 50 }, (_, i) => `u${i}@x.test`).join("\n")}\n`), {
      chunkRows: 10,
      onRows: (rows) => {
        chunks.push(rows[0]!.rowNumber);
        if (chunks.length === 2) return Promise.reject(new Error("database gone"));
      },
    });
    await expect(failing).rejects.toThrow("database gone");
    expect(chunks).toEqual([1, 11]);
  });

  // PapaParse builds a whole record before any callback sees it: these would exhaust a 192 MB heap without the guard.
  it("refuses a record of 20 million fields before parsing it, in the header or in a row", async () => {
    const commas = ",".repeat(20_000_000);
    expect(await refused(`email${commas}`)).toBe(
      `Record 1 has more than ${MAX_LEAVER_COLUMNS} columns; a leaver file needs email and at most reason, ticket, effective_at`,
    );
    expect(await refused(`email\na@x.test${commas}`)).toMatch(/^Record 2 has more than 100 columns/);
  });

  it("refuses a record made wide by quoted cells that hold line breaks, counting records as a spreadsheet numbers them", async () => {
    const wide = '"a\n",'.repeat(3_000_000);
    expect(await refused(`email\n\na@x.test\n"b@x.test\n",\n${wide}\n`)).toMatch(/^Record 5 has more than 100 columns/);
  });

  it(`accepts records of ${MAX_LEAVER_COLUMNS} fields and refuses one of ${MAX_LEAVER_COLUMNS + 1}, with either delimiter`, async () => {
    const header = ["email", ...Array.from({ length: MAX_LEAVER_COLUMNS - 1 }, (_, i) => `extra${i}`)];
    for (const delimiter of [",", ";"]) {
      const row = (fields: number) => ["a@x.test", ...Array.from({ length: fields - 1 }, () => "x")].join(delimiter);
      expect((await parse(`${header.join(delimiter)}\n${row(MAX_LEAVER_COLUMNS)}\n`)).rows).toHaveLength(1);
      expect(await refused(`${header.join(delimiter)}\n${row(MAX_LEAVER_COLUMNS)}\n${row(MAX_LEAVER_COLUMNS + 1)}\n`)).toMatch(
        /^Record 3 has more than 100 columns/,
      );
    }
  });

  it("does not count delimiters or line breaks inside a quoted cell", async () => {
    const reason = `${",".repeat(300)}\n${'""'.repeat(300)}`;
    const file = await parse(`email,reason\na@x.test,"${reason}"\n`);
    expect(file.rows[0]).toMatchObject({ email: "a@x.test", reason: `${",".repeat(300)}\n${'"'.repeat(300)}` });
  });

  it("counts the fields the parser makes of a quote that opens no quoted field", async () => {
    // Mid-field, or after a quoted field's end that no delimiter follows, a quote is text and the commas after it fields.
    expect(await refused(`email\na@x.test x"${",".repeat(MAX_LEAVER_COLUMNS)}\n`)).toMatch(/^Record 2 has more/);
    expect(await refused(`email\n"a@x.test"x,"${",".repeat(MAX_LEAVER_COLUMNS)}"\n`)).toMatch(/^Record 2 has more/);
  });

  it(`refuses more than ${MAX_LEAVER_RECORDS.toLocaleString("en-US")} lines, blank ones included, before parsing them`, async () => {
    // A file without quotes is split into an array of all its lines at once: 20 MB of line breaks is 20 million.
    expect(await refused(`email\na@x.test${"\n".repeat(20_000_000)}`)).toBe(
      "The file has more than 200,000 lines, blank ones included; split it into smaller files",
    );
    expect((await parse(`email\na@x.test${"\r\n".repeat(MAX_LEAVER_RECORDS - 2)}`)).rowCount).toBe(1);
  });

  it("refuses a cell longer than its column's limit, naming the row, and accepts one at the limit", async () => {
    const cells = (column: keyof typeof MAX_LEAVER_CELL_CHARS, length: number) => ({
      email: "a@x.test",
      reason: "left",
      ticket: "T-1",
      effective_at: "2026-12-31",
      [column]: column === "email" ? `${"a".repeat(length - 7)}@x.test` : "x".repeat(length),
    });
    const csv = (row: Record<string, string>) => `email,reason,ticket,effective_at\nb@x.test\nc@x.test\n${Object.values(row).join(",")}\n`;
    for (const [column, max] of Object.entries(MAX_LEAVER_CELL_CHARS) as [keyof typeof MAX_LEAVER_CELL_CHARS, number][]) {
      expect((await parse(csv(cells(column, max)))).rows[2]).toMatchObject({ rowNumber: 3 });
      expect(await refused(csv(cells(column, max + 1)))).toBe(`Row 3: ${column} is longer than ${max.toLocaleString("en-US")} characters`);
    }
  });

  it("refuses a long cell after earlier chunks were handed over (the caller discards them), and a cell of 19 MB", async () => {
    const chunks: number[] = [];
    const csv = `email,reason\n${Array.from({ length: 25 }, (_, i) => `u${i}@x.test,left`).join("\n")}\nz@x.test,${"x".repeat(1_001)}\n`;
    await expect(parseLeaverCsv(bytes(csv), { chunkRows: 10, onRows: (rows) => void chunks.push(rows.length) })).rejects.toThrow(
      new LeaverFileError("Row 26: reason is longer than 1,000 characters"),
    );
    expect(chunks).toEqual([10, 10]);
    expect(await refused(`email,reason\na@x.test,${"x".repeat(19_000_000)}\n`)).toBe("Row 1: reason is longer than 1,000 characters");
  });

  it("refuses a broken quoted field", async () => {
    expect(await refused('email,reason\n"a@x.test,never closed\n')).toMatch(/not valid CSV/);
  });
});
