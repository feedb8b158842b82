import { describe, expect, it } from "vitest";
import { MAX_LEAVER_FILE_BYTES, MAX_LEAVER_ROWS } from "@/lib/contracts/leavers";
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

  it("refuses a broken quoted field", async () => {
    expect(await refused('email,reason\n"a@x.test,never closed\n')).toMatch(/not valid CSV/);
  });
});
