import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvCell } from "@/lib/csv-cell";
import { toCsv } from "./csv";

type Row = { name: string | null; count: number; details: Record<string, unknown> | null };

const parse = (csv: string) => Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;

describe("csvCell", () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["+1+1", "'+1+1"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["=multi\nline", "'=multi\nline"],
  ])("prefixes a formula-like cell %j with a quote", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("leaves ordinary text, numbers, booleans and empty values alone", () => {
    expect(csvCell("jane@example.test")).toBe("jane@example.test");
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("writes dates as ISO and objects as JSON, escaping the JSON too", () => {
    expect(csvCell(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)))).toBe("2025-01-02T03:04:05.000Z");
    expect(csvCell({ reason: "=cmd" })).toBe('{"reason":"=cmd"}');
    expect(csvCell(["-x"])).toBe('["-x"]');
  });
});

describe("toCsv", () => {
  const columns = ["name", "count", { header: "details", value: (row: Row) => row.details }] as const;

  it("writes a header row and CRLF-terminated rows that parse back to the same cells", () => {
    const csv = toCsv<Row>(
      [
        { name: 'Dana "D" O\'Neil, Jr.', count: 2, details: { note: "line one\nline two" } },
        { name: null, count: 0, details: null },
      ],
      columns,
    );
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.split("\r\n")[0]).toBe("name,count,details");
    expect(parse(csv)).toEqual([
      ["name", "count", "details"],
      ['Dana "D" O\'Neil, Jr.', "2", '{"note":"line one\\nline two"}'],
      ["", "0", ""],
    ]);
  });

  it("escapes formula-like cells, header included, and still quotes what needs quoting", () => {
    const csv = toCsv<Row>([{ name: '=HYPERLINK("http://evil","x")', count: 1, details: null }], [{ header: "=h", value: (row) => row.name }]);
    expect(parse(csv)).toEqual([["'=h"], ['\'=HYPERLINK("http://evil","x")']]);
  });

  it("leaves the header out on request and writes nothing for no rows", () => {
    expect(toCsv<Row>([{ name: "a", count: 1, details: null }], columns, { header: false })).toBe("a,1,\r\n");
    expect(toCsv<Row>([], columns, { header: false })).toBe("");
    expect(toCsv<Row>([], columns)).toBe("name,count,details\r\n");
  });

  it("concatenated chunks form one valid file", () => {
    const first = toCsv<Row>([{ name: "a", count: 1, details: null }], columns);
    const second = toCsv<Row>([{ name: "b\nc", count: 2, details: null }], columns, { header: false });
    expect(parse(first + second)).toEqual([
      ["name", "count", "details"],
      ["a", "1", ""],
      ["b\nc", "2", ""],
    ]);
  });
});
