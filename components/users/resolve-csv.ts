import { csvCell } from "@/lib/csv-cell";
import type { ResolveResult } from "@/lib/query/users";

export const RESOLVE_CSV_FIELDS = ["email", "name", "uuid", "status"] as const;

/** The rows of the resolve result as the CSV has them: found users first, then unknown addresses. */
export function resolveCsvRows(result: ResolveResult): string[][] {
  return [
    ...result.found.map((user) => [user.email, user.name, user.id, user.active ? "active" : "inactive"]),
    ...result.notFound.map((email) => [email, "", "", "not found"]),
  ].map((row) => row.map(csvCell));
}

/** The CSV text; papaparse is loaded only when someone downloads. */
export async function resolveCsv(result: ResolveResult): Promise<string> {
  const { unparse } = await import("papaparse");
  return unparse({ fields: [...RESOLVE_CSV_FIELDS], data: resolveCsvRows(result) }, { newline: "\r\n" });
}
