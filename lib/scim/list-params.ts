import { z } from "zod";
import { INDEXED_LOOKUP_FIELDS, type ScimListQuery } from "@/db/queries/scim-users";
import { ApiError } from "@/lib/api/errors";
import { FILTERABLE_PATHS, fieldOf } from "./attributes";
import { compileFilter } from "./filter";
import type { Projection } from "./projection";

/** A page when the client names no count, and the most one page holds (ServiceProviderConfig's filter.maxResults). */
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 200;
/**
 * The most users a list reads one by one: to sort them (sortBy), or to test a condition no index
 * decides (anything but INDEXED_LOOKUPS). Beyond it the list is refused as tooMany (RFC 7644 §3.12):
 * each request holds the server's one thread (ADR 0017).
 */
export const MAX_CANDIDATES = 50_000;

/** The lookups an index answers, for messages: the paths of the fields db/queries reads by index. */
export const INDEXED_LOOKUPS = `eq and sw on ${FILTERABLE_PATHS.filter((path) => INDEXED_LOOKUP_FIELDS.includes(fieldOf(path)!.field)).join(", ")}`;

/** The refusal of a list that would read more than MAX_CANDIDATES users one by one. */
export const tooManyCandidates = () =>
  new ApiError(
    "invalid_input",
    `The list would read more than ${MAX_CANDIDATES.toLocaleString("en-US")} users one by one to sort or filter them. Narrow the filter with ${INDEXED_LOOKUPS}, or leave out sortBy (lists come in userName order).`,
    { scimType: "tooMany" },
  );

const invalidValue = (message: string, details?: Record<string, string>) => new ApiError("invalid_input", message, { scimType: "invalidValue", details });

/** A whole number from a query string ("2") or a SearchRequest (2). */
const whole = (what: string) =>
  z
    .union([z.number(), z.string()], { error: `${what} must be a whole number` })
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || (typeof value === "string" && value.trim() === "")) return undefined;
      const number = typeof value === "number" ? value : /^\s*[-+]?\d{1,15}\s*$/.test(value) ? Number(value) : NaN;
      if (Number.isInteger(number)) return number;
      ctx.addIssue({ code: "custom", message: `${what} must be a whole number` });
      return z.NEVER;
    });

/** Attribute names, comma-separated in a query string or as an array in a SearchRequest. */
const names = (what: string) =>
  z
    .union([z.string(), z.array(z.string())], { error: `${what} must be attribute names` })
    .optional()
    .transform((value) => (Array.isArray(value) ? value : (value?.split(",") ?? [])).map((name) => name.trim()).filter(Boolean));

const text = (what: string) => z.string({ error: `${what} must be a string` }).optional();

/** The list parameters of RFC 7644 §3.4.2, as GET's query string and POST /.search's SearchRequest give them. */
export const listParamsSchema = z.object({
  filter: text("filter"),
  startIndex: whole("startIndex"),
  count: whole("count"),
  sortBy: text("sortBy"),
  sortOrder: text("sortOrder"),
  attributes: names("attributes"),
  excludedAttributes: names("excludedAttributes"),
});

export type ListParams = { query: ScimListQuery; startIndex: number; count: number; projection: Projection };

/**
 * The list parameters read leniently where RFC 7644 says how (startIndex below 1 is 1, a negative
 * count is 0, count above the maximum is the maximum) and strictly elsewhere (400 invalidValue;
 * invalidFilter for the filter).
 */
export function readListParams(input: unknown): ListParams {
  const parsed = listParamsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const details = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join(".") || "parameters", issue.message]));
    throw invalidValue("Invalid list parameters", details);
  }
  const { filter, startIndex, count, sortBy, sortOrder, attributes, excludedAttributes } = parsed.data;
  const first = Math.max(1, startIndex ?? 1);
  const size = Math.min(MAX_COUNT, Math.max(0, count ?? DEFAULT_COUNT));

  let sortField: ScimListQuery["sortBy"];
  if (sortBy?.trim()) {
    sortField = fieldOf(sortBy.trim())?.field;
    if (!sortField) throw invalidValue(`Cannot sort by ${sortBy}; sort by ${FILTERABLE_PATHS.join(", ")}`, { sortBy: "not sortable" });
  }
  const order = sortOrder?.trim().toLowerCase() || "ascending";
  if (order !== "ascending" && order !== "descending")
    throw invalidValue(`sortOrder is ascending or descending, not ${JSON.stringify(sortOrder)}`, { sortOrder: "invalid" });

  return {
    query: {
      filter: filter?.trim() ? compileFilter(filter.trim()) : undefined,
      sortBy: sortField,
      descending: order === "descending",
      offset: first - 1,
      limit: size,
    },
    startIndex: first,
    count: size,
    projection: { attributes, excludedAttributes },
  };
}

/** `attributes` and `excludedAttributes` alone, as GET /Users/{id} takes them. */
export function readProjection(input: unknown): Projection {
  const parsed = listParamsSchema.pick({ attributes: true, excludedAttributes: true }).safeParse(input ?? {});
  if (!parsed.success)
    throw invalidValue("Invalid attributes or excludedAttributes", { [parsed.error.issues[0]!.path.join(".")]: parsed.error.issues[0]!.message });
  return parsed.data;
}
