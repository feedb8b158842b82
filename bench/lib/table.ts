/** A Markdown table on stdout: one column per [key, title], cells padded to the widest; a missing cell is empty. */
export function printTable<Row extends Record<string, string | undefined>>(columns: [keyof Row, string][], rows: Row[]): void {
  const widths = columns.map(([key, title]) => Math.max(title.length, ...rows.map((row) => (row[key] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(line(columns.map(([, title]) => title)));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(columns.map(([key]) => row[key] ?? "")));
}

/** PASS or FAIL against a target; any failed request fails the figure. */
export function verdict(pass: boolean, errors = 0): string {
  if (errors > 0) return "FAIL (errors)";
  return pass ? "PASS" : "FAIL";
}
